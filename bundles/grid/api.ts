import { serviceToken } from '../../core/serviceToken.js';

/** A member of the cluster as every bundle may see it. */
export interface GridMember {
  /** Unique per process start (a restarted node gets a new id). */
  readonly id: string;
  /** `host:port` of its grid listener. */
  readonly address: string;
  /** Its `com.openexchange.server.backendRoute`. */
  readonly route: string;
  /** The grid protocol version it speaks, `major.minor`, e.g. `3.1`. */
  readonly version: string;
  /** Its codebase (package) version, e.g. `0.2.0`; absent from members that do not send it. */
  readonly codebase?: string;
  /** Lite members hold no data. */
  readonly lite: boolean;
  /** False for lite members and members outside every custom partition group. */
  readonly dataMember: boolean;
}

export type MembershipListener = (event: { type: 'added' | 'removed'; member: GridMember; members: GridMember[] }) => void;

export interface EntryEvent<V> {
  type: 'added' | 'updated' | 'removed' | 'evicted' | 'expired';
  map: string;
  key: string;
  value?: V;
  oldValue?: V;
  /** Id of the member where the change happened. */
  member: string;
}

export interface EntryListener<V> {
  added?(e: EntryEvent<V>): void;
  updated?(e: EntryEvent<V>): void;
  removed?(e: EntryEvent<V>): void;
  evicted?(e: EntryEvent<V>): void;
  expired?(e: EntryEvent<V>): void;
}

/** Hazelcast's local map statistics names, as the management bundle shows them. */
export interface LocalMapStats {
  ownedEntryCount: number;
  backupEntryCount: number;
  ownedEntryMemoryCost: number;
  hits: number;
  getOperationCount: number;
  putOperationCount: number;
  removeOperationCount: number;
  totalGetLatencyMs: number;
  totalPutLatencyMs: number;
  totalRemoveLatencyMs: number;
  lastUpdateTime: number;
}

export interface PutOptions {
  /** Time to live in seconds; 0 or absent: the map's default (no TTL). */
  ttlSeconds?: number;
}

/**
 * One entry and its statistics (Hazelcast's `EntryView`), read from the partition owner. Durations
 * are measured by the owner, so they do not depend on the clocks of the members agreeing.
 */
export interface EntryView<V> {
  key: string;
  value: V;
  /** Bytes of the serialized (msgpack) value. */
  cost: number;
  creationTime: number;
  lastAccessTime: number;
  lastUpdateTime: number;
  /** When the TTL expires it (ms since the epoch), 0 without TTL. */
  expirationTime: number;
  /** Ms until the TTL expires it, -1 without TTL. */
  ttlMs: number;
  /** Ms since its last access. */
  idleMs: number;
  hits: number;
  /** Address of the partition owner that answered. */
  owner: string;
}

/** A partitioned map. Keys are strings; values anything msgpack can encode. */
export interface DistributedMap<V = unknown> {
  readonly name: string;
  get(key: string): Promise<V | undefined>;
  /** Returns the previous value. */
  put(key: string, value: V, options?: PutOptions): Promise<V | undefined>;
  /** As `put`, without fetching the previous value (Hazelcast's `IMap.set`): less to send back. */
  set(key: string, value: V, options?: PutOptions): Promise<void>;
  /** Stores only when absent; returns the existing value, or undefined when it stored. */
  putIfAbsent(key: string, value: V, options?: PutOptions): Promise<V | undefined>;
  /** Replaces only when present; returns the previous value. */
  replace(key: string, value: V): Promise<V | undefined>;
  /** Compare-and-set (Hazelcast's `replace(key, oldValue, newValue)`): stores only while the value equals `expected` (by its encoding). */
  replace(key: string, expected: V, value: V): Promise<boolean>;
  /** Returns the removed value. */
  remove(key: string): Promise<V | undefined>;
  delete(key: string): Promise<void>;
  containsKey(key: string): Promise<boolean>;
  /** The entry with its statistics, undefined when absent; reading it is neither a hit nor an access (idle time). */
  getEntryView(key: string): Promise<EntryView<V> | undefined>;
  size(): Promise<number>;
  keys(): Promise<string[]>;
  values(): Promise<V[]>;
  entries(): Promise<[string, V][]>;
  clear(): Promise<void>;
  /** Cluster-wide listener; returns a function that removes it. */
  addEntryListener(listener: EntryListener<V>, options?: { includeValue?: boolean }): () => void;
  localStats(): LocalMapStats;
}

export interface TopicMessage<T> {
  payload: T;
  /** Member id of the publisher. */
  publisher: string;
  /** Position in the topic's ring, increasing by one per message. */
  sequence: number;
  publishTime: number;
}

export interface TopicListener<T> {
  message(m: TopicMessage<T>): void;
  /** Messages `from..to` (inclusive) were lost to this subscriber (ring overwritten, member loss). */
  gap?(info: { topic: string; from: number; to: number }): void;
}

/** Hazelcast's local topic statistics, plus how far this member's subscribers are behind. */
export interface LocalTopicStats {
  /** Messages published from this member. */
  published: number;
  /** Messages this member's reader received. */
  received: number;
  /** Gaps (lost messages) this member's reader saw. */
  gaps: number;
  /** Subscribers on this member. */
  subscriberCount: number;
  /**
   * Messages the subscribers on this member are behind the ring's tail, as of the reader's last
   * read (they share one reader, so one figure for all); 0 without subscribers.
   */
  subscriberLag: number;
}

/** A reliable topic: ordered per publisher, with sequence numbers; its ring lives in a partition with backups. */
export interface ReliableTopic<T = unknown> {
  readonly name: string;
  publish(payload: T): Promise<void>;
  /** Returns a function that unsubscribes. */
  subscribe(listener: TopicListener<T>): () => void;
  localStats(): LocalTopicStats;
}

export interface PartitionInfo {
  id: number;
  owner?: string;
  backups: string[];
}

/** Partitions of one map (or topic) whose every replica holding it was lost. */
export interface LostStructure {
  name: string;
  partitions: number[];
}

/**
 * Data is gone (Hazelcast's `PartitionLostEvent`): more members left at once than a structure has
 * backups. The master detects it and tells every member; each member's listeners get it once.
 */
export interface PartitionLostEvent {
  /** Every partition in which some map or topic lost data. */
  partitions: number[];
  /** Per map known to the master: the partitions it lost (all its replicas were on the lost members). */
  maps: LostStructure[];
  /** Per topic known to the master whose ring was lost (ring and its backup gone). */
  topics: LostStructure[];
  /** Addresses of the members whose loss took the data (or ids when the address is unknown). */
  lostMembers: string[];
  /** Address of the master that detected the loss. */
  detectedBy: string;
  /** Detection time, ms since the epoch. */
  time: number;
}

export type PartitionLostListener = (event: PartitionLostEvent) => void;

/** The losses this member learned of since it started. */
export interface PartitionLossStats {
  /** Partitions lost, counted once per loss event (a partition lost twice counts twice). */
  partitionsLost: number;
  /** Time of the last loss (ms since the epoch), undefined when none. */
  lastLossTime?: number;
  /** The partitions that lost data since this member started, ascending. */
  lostPartitions: number[];
}

/**
 * Thrown at once by an operation on a map or topic with split-brain protection when this side of
 * the cluster has fewer data members than `minimumClusterSize`.
 */
export class SplitBrainProtectionError extends Error {
  constructor(
    readonly structure: string,
    readonly required: number,
    readonly present: number,
    member: string,
  ) {
    super(`${structure}: split-brain protection requires at least ${required} data members, this side of the cluster has ${present} (member ${member}); operation refused`);
    this.name = 'SplitBrainProtectionError';
  }
}

/**
 * Thrown at once by an operation that needs a newer cluster version than the cluster runs at (a
 * member of an older build is still present; see the grid README's versions).
 */
export class FeatureUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureUnavailableError';
  }
}

/** Hazelcast's cluster states, with Hazelcast's meanings (see the grid README). */
export const CLUSTER_STATES = ['ACTIVE', 'NO_MIGRATION', 'FROZEN', 'PASSIVE'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** Thrown at once by a map write while the cluster is PASSIVE. */
export class ClusterStateError extends Error {
  constructor(readonly state: ClusterState, operation: string, member: string) {
    super(`${operation} refused: the cluster is in state ${state} (reads only) on member ${member}; writes resume after oxk cluster state ACTIVE`);
    this.name = 'ClusterStateError';
  }
}

export interface GridService {
  /** The effective cluster name: group name plus the protocol's major. */
  readonly clusterName: string;
  /** The codebase (package) version of this member. */
  readonly codebaseVersion: string;
  /** The version the cluster runs at, `major.minor`: the lowest minor among its members (until upgraded). */
  clusterVersion(): string;
  clusterState(): ClusterState;
  /** Changes the state cluster-wide through the master; rejects with the reason (a migration runs, ...). */
  changeClusterState(state: ClusterState): Promise<void>;
  /** Raises the cluster version to the lowest minor among the members (when auto-upgrade is off); returns the new version. */
  upgradeClusterVersion(): Promise<string>;
  readonly localMember: GridMember;
  /** Oldest first; the first is the master. */
  members(): GridMember[];
  isMaster(): boolean;
  /** No migration running and every partition's backups in sync. */
  isClusterSafe(): boolean;
  partitionCount(): number;
  partitions(): PartitionInfo[];
  onMembership(listener: MembershipListener): () => void;
  /** Called on this member for every partition loss it learns of; returns a function that removes it. */
  onPartitionLost(listener: PartitionLostListener): () => void;
  partitionLoss(): PartitionLossStats;
  getMap<V = unknown>(name: string): DistributedMap<V>;
  getTopic<T = unknown>(name: string): ReliableTopic<T>;
  /** Names of maps and topics known on this member. */
  mapNames(): string[];
  topicNames(): string[];
}

export const GRID_SERVICE = serviceToken<GridService>('grid');
