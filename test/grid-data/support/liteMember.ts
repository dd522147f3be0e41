import type { ClusterNode } from '../../../bundles/grid/cluster/clusterNode.js';
import { createClusterNode } from '../../../bundles/grid/cluster/createClusterNode.js';
import { createDataLayer, type DataLayer } from '../../../bundles/grid/data/dataLayer.js';
import { defaultDataOptions, type DataLayerOptions } from '../../../bundles/grid/data/dataOptions.js';
import { gridHealth } from '../../support/gridNodes.js';
import { waitFor } from '../../support/waitFor.js';
import { quietLogger } from './localCluster.js';

/** A lite member inside the test process, joined to a cluster of `gridNode`s: a client that holds no data. */
export interface LiteMember {
  node: ClusterNode;
  layer: DataLayer;
  stop(): Promise<void>;
}

const running = new Set<LiteMember>();

export async function liteMember(address: string, staticNodes: string[], options: Partial<DataLayerOptions> = {}): Promise<LiteMember> {
  const node = await createClusterNode({
    join: 'static',
    staticNodes: staticNodes.join(','),
    interfaces: address,
    lite: true,
    groupName: 'grid-cluster-test',
    password: 'test-secret',
    route: 'TEST',
    heartbeatIntervalMs: 1000,
    maxNoHeartbeatMs: 3000,
    probeIntervalMs: 500,
  }, quietLogger);
  const layer = createDataLayer(node, { ...defaultDataOptions, operationTimeoutMs: 15_000, ...options }, quietLogger);
  const member: LiteMember = {
    node,
    layer,
    async stop() {
      running.delete(member);
      await layer.stop();
      await node.stop();
    },
  };
  running.add(member);
  return member;
}

/** Stops every lite member this process started and has not stopped yet (test teardown, like `killAll`). */
export async function stopLiteMembers(): Promise<void> {
  await Promise.all([...running].map((m) => m.stop()));
}

/** Waits until every node at `addresses` sees `members` members and says cluster safe. */
export async function waitClusterSafe(addresses: string[], members: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`cluster safe with ${members} members on ${addresses.join(', ')}`, async () => {
    const all = await Promise.all(addresses.map((a) => gridHealth(a)));
    return all.every((h) => h?.grid?.members === members && h.grid.clusterSafe);
  }, timeoutMs, 100);
}
