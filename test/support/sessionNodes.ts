import { gridHealth } from './gridNodes.js';
import { NodeProcess } from './nodeProcess.js';
import { waitFor } from './waitFor.js';

export interface SessionNodeOptions {
  configDir: string;
  /** Loopback address for the HTTP connector and the grid listener. */
  address: string;
  route: string;
  /** Grid addresses of all cluster members (static join); alone (`empty` join) when omitted. */
  cluster?: string[];
  set?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

/** A node for the session tests: HTTP on `address:8009`, grid on `address:5701`, fast failure detection. */
export function sessionNode(o: SessionNodeOptions): NodeProcess {
  const grid: Record<string, string | number | boolean> = o.cluster
    ? {
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': o.cluster.join(','),
      'com.openexchange.hazelcast.group.name': 'sessions-test',
      'com.openexchange.hazelcast.network.join.probeInterval': '500ms',
      'hazelcast.heartbeat.interval.seconds': 1,
      'hazelcast.max.no.heartbeat.seconds': 3,
    }
    : {};
  return new NodeProcess({
    configDir: o.configDir,
    label: o.route,
    env: o.env,
    set: {
      'com.openexchange.server.backendRoute': o.route,
      'com.openexchange.connector.networkListenerHost': o.address,
      'com.openexchange.hazelcast.network.interfaces': o.address,
      ...grid,
      ...(o.set ?? {}),
    },
  });
}

/** Waits until every listed node reports `members` grid members and a cluster-safe grid. */
export async function waitForCluster(addresses: string[], members: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${members} members, cluster safe, on ${addresses.join(', ')}`, async () => {
    const all = await Promise.all(addresses.map(gridHealth));
    return all.every((h) => h?.status === 'UP' && h.grid?.members === members && h.grid.clusterSafe);
  }, timeoutMs, 100);
}
