import type { Logger } from 'winston';
import { ClusterNode } from './clusterNode.js';
import { type ClusterNodeOptions, defaultClusterOptions } from './options.js';

/**
 * Starts a grid member without the kernel (CLI, benchmarks): binds, joins or forms the cluster and
 * resolves once joined. `stop()` announces the leave and closes everything.
 */
export async function createClusterNode(options: Partial<ClusterNodeOptions>, logger: Logger): Promise<ClusterNode> {
  const node = new ClusterNode({ ...defaultClusterOptions, ...options }, logger);
  try {
    await node.start();
  } catch (err) {
    await node.stop();
    throw err;
  }
  return node;
}
