import { serviceToken } from '../../core/serviceToken.js';

/** Counters of one region, as the management bundle shows them. */
export interface RegionStats {
  region: string;
  /** Entries currently held (expired entries not yet swept included). */
  size: number;
  hits: number;
  misses: number;
  /** Entries dropped to stay within MaxObjects. */
  evictions: number;
  /** Entries dropped because MaxLifeSeconds, IdleTime or MaxMemoryIdleTimeSeconds passed. */
  expirations: number;
  /** Invalidation events this node sent for the region. */
  invalidationsSent: number;
  /** Invalidation events from other nodes applied to the region. */
  invalidationsReceived: number;
  /** Times the region was cleared because invalidations may have been missed (topic gap). */
  gapClears: number;
}

/** What a region is configured with, resolved from `jcs.default` and `jcs.region.<name>`. */
export interface RegionSettings {
  name: string;
  /** Auxiliaries named by `jcs.region.<name>=...`, e.g. `['LTCP']`. */
  auxiliaries: string[];
  /** True when the region is invalidated cluster-wide (marked `LTCP`). */
  distributed: boolean;
  maxObjects: number;
  useMemoryShrinker: boolean;
  /** -1: no limit. */
  maxMemoryIdleTimeSeconds: number;
  shrinkerIntervalSeconds: number;
  /** -1: no limit. */
  maxSpoolPerRun: number;
  isEternal: boolean;
  /** -1: no limit. */
  maxLifeSeconds: number;
  /** -1: no limit. */
  idleTimeSeconds: number;
}

/** A JCS cache region. Local operations are synchronous; invalidations leave in the background. */
export interface CacheRegion<V = unknown> {
  readonly name: string;
  readonly settings: RegionSettings;
  get(key: string): V | undefined;
  /** A put over a live key is an update and invalidates the key on other nodes (distributed regions). */
  put(key: string, value: V): void;
  /** Removes the key here and, for distributed regions, on every other node. */
  remove(key: string): void;
  /** Removes every entry here and, for distributed regions, on every other node. */
  clear(): void;
  /** JCS element groups: entries addressed by group and key, removable as a whole group. */
  getFromGroup(group: string, key: string): V | undefined;
  putInGroup(group: string, key: string, value: V): void;
  removeFromGroup(group: string, key: string): void;
  /** Removes the whole group here and, for distributed regions, on every other node. */
  invalidateGroup(group: string): void;
  groupKeys(group: string): string[];
  stats(): RegionStats;
}

/**
 * One invalidation, as it travels between nodes (grid topic payload and LTCP frame body).
 * `keys` are plain keys for `remove`; for `removeFromGroup` they are keys inside `group`.
 */
export interface CacheInvalidation {
  region: string;
  op: 'remove' | 'removeFromGroup' | 'invalidateGroup' | 'clear';
  keys?: string[];
  group?: string;
  /** Id of the node the change happened on (events from this node are ignored on return). */
  origin: string;
}

/** Grid reliable topic carrying `CacheEventMessage` payloads when `eventInvalidation=true`. */
export const CACHE_EVENT_TOPIC = 'cacheEvents';

/** One message on `CACHE_EVENT_TOPIC`: a node's events in the order they happened. */
export type CacheEventMessage = CacheInvalidation[];

export interface CacheService {
  /** The region configured in cache.ccf, or one with `jcs.default`'s settings, created on first use. */
  region<V = unknown>(name: string): CacheRegion<V>;
  /** Regions that exist now (configured or created by use). */
  regionNames(): string[];
  /** `grid-topic`, `redis-channel`, `ltcp` or `local` (no cluster-wide invalidation available). */
  readonly invalidationMode: 'grid-topic' | 'redis-channel' | 'ltcp' | 'local';
  /** Sees every local change of a distributed region before it leaves this node (e.g. to forward it to a legacy cluster). */
  onLocalInvalidation(listener: (event: CacheInvalidation) => void): () => void;
}

export const CACHE_SERVICE = serviceToken<CacheService>('cache');
