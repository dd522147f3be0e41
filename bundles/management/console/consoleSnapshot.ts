import type { DefaultMBeanServer } from '../server/mbeanServer.js';
import { ObjectName } from '../server/objectName.js';
import { type MBeanRow, num, readRow, readRows } from './mbeanRows.js';

/** Attributes the page shows, per MBean kind; names as Jolokia shows them. Absent ones are "n/a". */
const ATTRIBUTES = {
  instance: ['name', 'groupName', 'version', 'codebaseVersion', 'clusterVersion', 'clusterState', 'localMember', 'master', 'memberCount', 'clusterSafe', 'partitionCount', 'clockSkewWarnings'],
  partitions: ['partitionCount', 'activePartitionCount', 'clusterSafe', 'partitionsLost', 'lastPartitionLossTime', 'ownedPartitionCounts', 'backupPartitionCounts', 'partitionTable', 'migrationsRunning', 'partitionGroups'],
  member: ['address', 'route', 'version', 'codebaseVersion', 'master', 'localMember', 'liteMember', 'dataMember', 'ownedPartitionCount', 'backupPartitionCount', 'heapUsed', 'heapTotal', 'rss', 'heartbeatAgeMs', 'partitionGroup'],
  map: ['name', 'localOwnedEntryCount', 'localBackupEntryCount', 'localOwnedEntryMemoryCost', 'localHits', 'localGetOperationCount', 'localPutOperationCount', 'localRemoveOperationCount', 'localTotalGetLatency', 'localTotalPutLatency', 'localTotalRemoveLatency'],
  topic: ['name', 'localPublishOperationCount', 'localReceiveOperationCount', 'localGapCount', 'subscriberLag', 'subscriberCount'],
  cache: ['Size', 'Hits', 'Misses', 'InvalidationsSent', 'InvalidationsReceived', 'GapClears', 'MaxObjects', 'Distributed'],
  sessions: ['NumberOfShortTermSessions', 'NumberOfLongTermSessions', 'MaxSession', 'Storage'],
  bundle: ['Name', 'Version', 'State', 'Reason', 'BuiltIn', 'Source', 'Requires', 'OptionalRequires', 'Provides'],
  kernel: ['Route', 'Uptime'],
  memory: ['HeapMemoryUsage'],
  upgrade: ['Progress'],
  redis: ['Connected', 'Mode', 'Master', 'LastError', 'Commands', 'Errors', 'LatencyMeanMillis', 'LatencyP99Millis'],
} as const;

export const MBEAN_PATTERNS = {
  instance: 'com.hazelcast:type=HazelcastInstance,*',
  partitions: 'com.hazelcast:type=PartitionService,*',
  clusterService: 'com.hazelcast:type=ClusterService,*',
  member: 'com.hazelcast:type=Member,*',
  map: 'com.hazelcast:type=IMap,*',
  topic: 'com.hazelcast:type=Topic,*',
  cache: 'com.openexchange.caching:type=Cache,*',
  sessions: 'com.openexchange.sessiond:name=SessionD Toolkit',
  bundle: 'com.openexchange.kernel:type=Bundle,*',
  kernel: 'com.openexchange.kernel:type=Kernel',
  memory: 'java.lang:type=Memory',
  upgrade: 'com.openexchange.upgrade:type=RollingUpgrade',
  redis: 'com.openexchange.redis:type=Connection',
} as const;

export type Attrs = Record<string, unknown>;

/** What one console tick shows: the MBeans' attributes, plus the rates the sampler derives. */
export interface ConsoleSnapshot {
  at: number;
  node: Attrs;
  cluster: Attrs | null;
  partitions: Attrs | null;
  members: Attrs[];
  maps: Attrs[];
  topics: Attrs[];
  caches: Attrs[];
  sessions: Attrs | null;
  bundles: Attrs[];
  upgrade: Attrs | null;
  redis: Attrs | null;
}

/** How long a tick waits for a map's cluster-wide `size()` (a member that just died can hold it up). */
const SIZE_DEADLINE_MS = 500;

/** `size()` of each map, null when it fails or does not answer in time. */
async function mapSizes(server: DefaultMBeanServer, rows: MBeanRow[]): Promise<(number | null)[]> {
  return Promise.all(rows.map(async (r) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), SIZE_DEADLINE_MS); });
    try {
      return num(await Promise.race([server.invoke(r.name.canonicalName, 'size', []), late]));
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }));
}

/** The MBeans' current values, read from this node's MBean server only (the same data Jolokia shows). */
export async function readSnapshot(server: DefaultMBeanServer): Promise<ConsoleSnapshot> {
  const one = (kind: keyof typeof ATTRIBUTES & keyof typeof MBEAN_PATTERNS) => readRow(server, MBEAN_PATTERNS[kind], ATTRIBUTES[kind])?.attrs ?? null;
  const many = (kind: keyof typeof ATTRIBUTES & keyof typeof MBEAN_PATTERNS) => readRows(server, MBEAN_PATTERNS[kind], ATTRIBUTES[kind]);
  const maps = many('map');
  const sizes = await mapSizes(server, maps);
  return {
    at: Date.now(),
    node: { ...one('kernel'), ...one('memory') },
    cluster: one('instance'),
    partitions: one('partitions'),
    members: many('member').map((r) => r.attrs),
    maps: maps.map((r, i) => ({ ...r.attrs, size: sizes[i] })),
    topics: many('topic').map((r) => r.attrs),
    caches: many('cache').map((r) => ({ name: ObjectName.unquote(r.name.getKeyProperty('name') ?? ''), ...r.attrs })),
    sessions: one('sessions'),
    bundles: many('bundle').map((r) => r.attrs),
    upgrade: one('upgrade'),
    redis: one('redis'),
  };
}
