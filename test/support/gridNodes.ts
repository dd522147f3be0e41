import { NodeProcess } from './nodeProcess.js';
import type { PrivateNetwork } from './privateNetwork.js';
import { waitFor } from './waitFor.js';

export interface GridNodeOptions {
  configDir: string;
  /** Loopback address of the HTTP connector and the grid listener. */
  address: string;
  route: string;
  /** Static join list; multicast or empty join via `set`. */
  staticNodes?: string[];
  set?: Record<string, string | number | boolean>;
  /** Command prefix, e.g. `nsenter --net=...`. */
  wrap?: string[];
  /** Another build's `dist/cli/oxk.js` (the legacy release); default: this one. */
  bin?: string;
  env?: Record<string, string>;
  /** Options for node itself (`NodeOptions.nodeFlags`). */
  nodeFlags?: string[];
}

/** A grid node for the cluster tests: fast heartbeats (1 s, silent after 3 s), short probe interval. */
export function gridNode(o: GridNodeOptions): NodeProcess {
  return new NodeProcess({
    configDir: o.configDir,
    label: o.route,
    wrap: o.wrap,
    bin: o.bin,
    env: o.env,
    nodeFlags: o.nodeFlags,
    set: {
      'com.openexchange.server.backendRoute': o.route,
      'com.openexchange.connector.networkListenerHost': o.address,
      'com.openexchange.hazelcast.network.interfaces': o.address,
      'com.openexchange.hazelcast.group.name': 'grid-cluster-test',
      'com.openexchange.hazelcast.group.password': 'test-secret',
      'com.openexchange.hazelcast.network.join': o.staticNodes ? 'static' : 'empty',
      'com.openexchange.hazelcast.network.join.static.nodes': (o.staticNodes ?? []).join(','),
      'com.openexchange.hazelcast.network.join.probeInterval': '500ms',
      'hazelcast.heartbeat.interval.seconds': 1,
      'hazelcast.max.no.heartbeat.seconds': 3,
      ...(o.set ?? {}),
    },
  });
}

export interface GridHealth {
  status: string;
  grid?: { members: number; master: boolean; clusterSafe: boolean; address: string; id: string; memberListVersion: number; memberAddresses: string[]; lite: boolean;
    cluster?: string; version?: string; protocolVersion?: string; clusterVersion?: string; clusterState?: string };
}

/** GET /health of the node whose HTTP connector is on `address:8009`; undefined when unreachable. */
export async function gridHealth(address: string): Promise<GridHealth | undefined> {
  try {
    const res = await fetch(`http://${address}:8009/health`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as GridHealth;
  } catch {
    return undefined;
  }
}

/** `gridHealth` of a node inside a private network namespace, read from inside it. */
export async function gridHealthIn(net: PrivateNetwork, address: string): Promise<GridHealth | undefined> {
  const body = await net.get(`http://${address}:8009/health`);
  return body ? (JSON.parse(body) as GridHealth) : undefined;
}

/** The member id `node` logged in its "grid member ... (id X) starting" line. */
export async function memberId(node: NodeProcess): Promise<string> {
  const line = await node.waitForLine(/grid member \S+ \(id [0-9a-f-]+\) starting/);
  return /\(id ([0-9a-f-]+)\)/.exec(line)![1]!;
}

/** The grid address (`host:port`) `node` logged in its "grid member ... (id X) starting" line. */
export async function gridAddress(node: NodeProcess): Promise<{ host: string; port: number }> {
  const line = await node.waitForLine(/grid member \S+ \(id [0-9a-f-]+\) starting/);
  const m = /grid member (\S+):(\d+) \(id/.exec(line)!;
  return { host: m[1]!, port: Number(m[2]) };
}

/** The time stamp at the start of a log line, in ms. */
export function lineTime(line: string): number {
  const t = Date.parse(line.slice(0, 24));
  if (Number.isNaN(t)) throw new Error(`no time stamp in log line: ${line}`);
  return t;
}

/** Waits until each node's /health shows `members` grid members. */
export async function waitForMembers(
  addresses: string[],
  members: number,
  timeoutMs = 20_000,
  get: (address: string) => Promise<GridHealth | undefined> = gridHealth,
): Promise<GridHealth[]> {
  return waitFor(`${members} grid members on ${addresses.join(', ')}`, async () => {
    const all = await Promise.all(addresses.map((a) => get(a)));
    return all.every((h) => h?.grid?.members === members) ? (all as GridHealth[]) : undefined;
  }, timeoutMs, 50);
}
