import type { NodeProcess } from '../../support/nodeProcess.js';

/** Starts node 0 first (it becomes the master), then nodes 1 and 2; resolves once all three are ready. */
export async function startThree(start: (i: number) => NodeProcess): Promise<NodeProcess[]> {
  const nodes = [start(0)];
  await nodes[0].ready();
  nodes.push(start(1), start(2));
  await Promise.all(nodes.map((n) => n.ready()));
  return nodes;
}
