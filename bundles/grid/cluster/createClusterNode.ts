import type { Logger } from 'winston';
import { ClusterNode } from './clusterNode.js';
import { type ClusterNodeOptions, defaultClusterOptions } from './options.js';

/**
 * Starts a grid member without the kernel (CLI, benchmarks): binds, joins or forms the cluster and
 * resolves once joined. `stop()` announces the leave and closes everything. `beforeJoin` runs before
 * any peer can reach the member: build the data layer there, so its handlers see the whole join.
 */
export async function createClusterNode(options: Partial<ClusterNodeOptions>, logger: Logger, beforeJoin?: (node: ClusterNode) => void): Promise<ClusterNode> {
  const node = new ClusterNode({ ...defaultClusterOptions, ...options }, logger);
  try {
    await node.start(() => beforeJoin?.(node));
  } catch (err) {
    await node.stop();
    throw err;
  }
  return node;
}
