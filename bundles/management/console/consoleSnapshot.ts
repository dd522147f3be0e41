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

/** How long a tick waits for an operation that may cross the grid (a member that just died can hold it up). */
const OPERATION_DEADLINE_MS = 500;

/** The operation's result, or null when it fails or does not answer within OPERATION_DEADLINE_MS. */
async function invokeWithin(server: DefaultMBeanServer, objectName: string, operation: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), OPERATION_DEADLINE_MS); });
  try {
    return await Promise.race([server.invoke(objectName, operation, []), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Sessions per node of login from the sessiond MBean (throttled there), or null (no sessiond, an older one, no count). */
async function sessionsPerNode(server: DefaultMBeanServer, sessiond: MBeanRow | undefined): Promise<Attrs | null> {
  if (!sessiond?.operations.includes('countSessionsPerNode')) return null;
  const counts = await invokeWithin(server, sessiond.name.canonicalName, 'countSessionsPerNode');
  return counts && typeof counts === 'object' ? counts as Attrs : null;
}

/** The MBeans' current values, read from this node's MBean server only (the same data Jolokia shows). */
export async function readSnapshot(server: DefaultMBeanServer): Promise<ConsoleSnapshot> {
  const one = (kind: keyof typeof ATTRIBUTES & keyof typeof MBEAN_PATTERNS) => readRow(server, MBEAN_PATTERNS[kind], ATTRIBUTES[kind])?.attrs ?? null;
  const many = (kind: keyof typeof ATTRIBUTES & keyof typeof MBEAN_PATTERNS) => readRows(server, MBEAN_PATTERNS[kind], ATTRIBUTES[kind]);
  const maps = many('map');
  const sessiond = readRow(server, MBEAN_PATTERNS.sessions, ATTRIBUTES.sessions);
  const [sizes, perNode] = await Promise.all([
    Promise.all(maps.map(async (r) => num(await invokeWithin(server, r.name.canonicalName, 'size')))),
    sessionsPerNode(server, sessiond),
  ]);
  return {
    at: Date.now(),
    node: { ...one('kernel'), ...one('memory') },
    cluster: one('instance'),
    partitions: one('partitions'),
    members: many('member').map((r) => r.attrs),
    maps: maps.map((r, i) => ({ ...r.attrs, size: sizes[i] })),
    topics: many('topic').map((r) => r.attrs),
    caches: many('cache').map((r) => ({ name: ObjectName.unquote(r.name.getKeyProperty('name') ?? ''), ...r.attrs })),
    sessions: sessiond ? { ...sessiond.attrs, perNode } : null,
    bundles: many('bundle').map((r) => r.attrs),
    upgrade: one('upgrade'),
    redis: one('redis'),
  };
}
