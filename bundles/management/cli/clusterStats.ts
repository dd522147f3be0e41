import { type BulkResult, JolokiaClientError, type JolokiaTarget, bulk } from './jolokiaClient.js';

export interface MemberRow {
  address: string;
  route: string;
  version: string;
  codebase: string;
  master: boolean;
  local: boolean;
  kind: 'data' | 'lite';
  ownedPartitions: number;
  backupPartitions: number;
}

export interface ClusterStats {
  url: string;
  route: string;
  /** Undefined when the node has no grid MBeans (grid not active, or com.openexchange.hazelcast.jmx=false). */
  cluster?: {
    name: string; version: string; clusterVersion: string; clusterState: string; master: string; clusterSafe: boolean; memberCount: number; partitionCount: number;
    /** Partitions that lost data since the node started, and when the last loss was (ms since the epoch, 0: never). */
    partitionsLost: number; lastPartitionLossTime: number;
  };
  members: MemberRow[];
  maps: { name: string; ownedEntries: number; backupEntries: number; hits: number; gets: number; puts: number; removes: number }[];
  topics: { name: string; published: number; received: number; gaps: number }[];
  cacheRegions: { name: string; size: number; maxObjects: number; hits: number; misses: number; distributed: boolean }[];
}

type Beans = Record<string, Record<string, unknown>>;

/** Reads the cluster view of one node with a single bulk request. */
export async function collectClusterStats(target: JolokiaTarget): Promise<ClusterStats> {
  const patterns = [
    'com.hazelcast:type=HazelcastInstance,*',
    'com.hazelcast:type=PartitionService,*',
    'com.hazelcast:type=Member,*',
    'com.hazelcast:type=IMap,*',
    'com.hazelcast:type=Topic,*',
    'com.openexchange.caching:type=Cache,*',
  ];
  const results = await bulk(target, [
    { type: 'read', mbean: 'com.openexchange.kernel:type=Kernel', attribute: 'Route' },
    ...patterns.map((mbean) => ({ type: 'read', mbean })),
  ]);
  const [route, instances, partitionServices, members, maps, topics, caches] = [results[0], ...results.slice(1).map(beansOf)];
  if (route.status !== 200) throw new JolokiaClientError(`reading the node's route failed: ${route.error ?? route.status}`);
  const stats: ClusterStats = { url: target.url, route: String(route.value), members: [], maps: [], topics: [], cacheRegions: [] };
  const instance = Object.values(instances)[0];
  if (instance) {
    const order = (instance.members as string[] | undefined) ?? [];
    const partitionService = Object.values(partitionServices)[0] ?? {};
    stats.cluster = {
      name: String(instance.groupName), version: String(instance.version),
      clusterVersion: String(instance.clusterVersion ?? ''), clusterState: String(instance.clusterState ?? ''), master: String(instance.master),
      clusterSafe: instance.clusterSafe === true, memberCount: num(instance.memberCount), partitionCount: num(instance.partitionCount),
      partitionsLost: num(partitionService.partitionsLost), lastPartitionLossTime: num(partitionService.lastPartitionLossTime),
    };
    stats.members = Object.values(members)
      .map((m) => ({
        address: String(m.address), route: String(m.route), version: String(m.version), codebase: String(m.codebaseVersion ?? ''), master: m.master === true, local: m.localMember === true,
        kind: m.dataMember === true ? 'data' as const : 'lite' as const, ownedPartitions: num(m.ownedPartitionCount), backupPartitions: num(m.backupPartitionCount),
      }))
      .sort((a, b) => rank(order, a.address) - rank(order, b.address));
  }
  stats.maps = Object.values(maps).map((m) => ({
    name: String(m.name), ownedEntries: num(m.localOwnedEntryCount), backupEntries: num(m.localBackupEntryCount), hits: num(m.localHits),
    gets: num(m.localGetOperationCount), puts: num(m.localPutOperationCount), removes: num(m.localRemoveOperationCount),
  })).sort(byName);
  stats.topics = Object.values(topics).map((t) => ({
    name: String(t.name), published: num(t.localPublishOperationCount), received: num(t.localReceiveOperationCount), gaps: num(t.localGapCount),
  })).sort(byName);
  stats.cacheRegions = Object.entries(caches).map(([objectName, c]) => ({
    name: keyProperty(objectName, 'name'), size: num(c.Size), maxObjects: num(c.MaxObjects), hits: num(c.Hits), misses: num(c.Misses), distributed: c.Distributed === true,
  })).sort(byName);
  return stats;
}

/** A pattern read that matched nothing comes back as a 404: no such MBeans on this node. */
function beansOf(result: BulkResult): Beans {
  if (result.status === 200) return (result.value ?? {}) as Beans;
  if (result.status === 404) return {};
  throw new JolokiaClientError(`Jolokia request failed: ${result.error ?? result.status}`);
}

function keyProperty(objectName: string, key: string): string {
  const m = new RegExp(`[:,]${key}=("(?:[^"\\\\]|\\\\.)*"|[^,]*)`).exec(objectName);
  if (!m) return objectName;
  return m[1].startsWith('"') ? m[1].slice(1, -1).replace(/\\(.)/g, '$1') : m[1];
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function rank(order: string[], address: string): number {
  const i = order.indexOf(address);
  return i < 0 ? order.length : i;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}
