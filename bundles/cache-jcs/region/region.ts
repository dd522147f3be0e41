import { LRUCache } from 'lru-cache';
import type { CacheInvalidation, CacheRegion, RegionSettings, RegionStats } from '../api.js';

/** A change of a distributed region that other nodes must apply (the service adds the origin). */
export type LocalInvalidation = Omit<CacheInvalidation, 'origin'>;

export interface RegionOptions {
  /** Milliseconds clock; tests pass a fake one. */
  now: () => number;
  /** A put of a new key also invalidates it elsewhere (LTCP's IssueRemoveOnPut). */
  issueRemoveOnPut: boolean;
  /** Called for every local change of a distributed region; returns true when the event was sent. */
  invalidate: (event: LocalInvalidation) => boolean;
}

interface Entry<V> {
  value: V;
  created: number;
  lastAccess: number;
  group?: string;
}

/** Group entries live in the same LRU under `\0group\0key`, so plain keys may not start with `\0`. */
const SEP = '\0';

/**
 * One region: an LRU bounded by MaxObjects, with JCS's per-element clocks (creation for MaxLifeSeconds,
 * last access for IdleTime and MaxMemoryIdleTimeSeconds) checked on every read and by the shrinker.
 */
export class Region<V = unknown> implements CacheRegion<V> {
  readonly name: string;
  private lru: LRUCache<string, Entry<V>> | undefined;
  private readonly groups = new Map<string, Set<string>>();
  private readonly counters = { hits: 0, misses: 0, evictions: 0, expirations: 0, invalidationsSent: 0, invalidationsReceived: 0, gapClears: 0 };
  private current!: RegionSettings;
  private maxLifeMs = Infinity;
  private idleMs = Infinity;
  private memoryIdleMs = Infinity;

  constructor(settings: RegionSettings, private readonly options: RegionOptions) {
    this.name = settings.name;
    this.apply(settings);
  }

  get settings(): RegionSettings {
    return this.current;
  }

  /**
   * New sizes and lifetimes on a live region (`oxk config reload` of cache.ccf): entries past a
   * smaller MaxObjects are evicted, least recently used first; the clocks apply from the next read.
   * The memory shrinker's schedule stays as it was at start.
   */
  reconfigure(settings: RegionSettings): void {
    const old = this.lru;
    this.groups.clear();
    this.apply(settings);
    if (!old || !this.lru) return;
    // Oldest first, so the most recently used stay; an entry pushed out is unindexed by dispose.
    for (const [key, entry] of old.rentries() as Iterable<[string, Entry<V>]>) {
      if (entry.group !== undefined) (this.groups.get(entry.group) ?? this.groups.set(entry.group, new Set()).get(entry.group)!).add(key);
      this.lru.set(key, entry);
    }
  }

  private apply(settings: RegionSettings): void {
    this.current = settings;
    const eternal = settings.isEternal;
    this.maxLifeMs = !eternal && settings.maxLifeSeconds >= 0 ? settings.maxLifeSeconds * 1000 : Infinity;
    this.idleMs = !eternal && settings.idleTimeSeconds >= 0 ? settings.idleTimeSeconds * 1000 : Infinity;
    this.memoryIdleMs = settings.useMemoryShrinker && settings.maxMemoryIdleTimeSeconds >= 0 ? settings.maxMemoryIdleTimeSeconds * 1000 : Infinity;
    // maxSize with unit sizes instead of max: lru-cache preallocates arrays of `max` slots, and OX's stock regions allow 10^7 objects.
    this.lru = settings.maxObjects > 0
      ? new LRUCache<string, Entry<V>>({
        maxSize: settings.maxObjects,
        sizeCalculation: () => 1,
        dispose: (entry, key, reason) => {
          if (reason === 'set') return;
          if (reason === 'evict') this.counters.evictions++;
          if (entry.group !== undefined) this.unindex(entry.group, key);
        },
      })
      : undefined;
  }

  get(key: string): V | undefined {
    return this.read(this.plainKey(key));
  }

  put(key: string, value: V): void {
    if (this.write(this.plainKey(key), value, undefined)) this.send({ region: this.name, op: 'remove', keys: [key] });
  }

  remove(key: string): void {
    this.lru?.delete(this.plainKey(key));
    this.send({ region: this.name, op: 'remove', keys: [key] });
  }

  clear(): void {
    this.clearLocal();
    this.send({ region: this.name, op: 'clear' });
  }

  getFromGroup(group: string, key: string): V | undefined {
    return this.read(this.groupKey(group, key));
  }

  putInGroup(group: string, key: string, value: V): void {
    if (this.write(this.groupKey(group, key), value, group)) this.send({ region: this.name, op: 'removeFromGroup', group, keys: [key] });
  }

  removeFromGroup(group: string, key: string): void {
    this.lru?.delete(this.groupKey(group, key));
    this.send({ region: this.name, op: 'removeFromGroup', group, keys: [key] });
  }

  invalidateGroup(group: string): void {
    this.dropGroup(group);
    this.send({ region: this.name, op: 'invalidateGroup', group });
  }

  groupKeys(group: string): string[] {
    const prefix = this.groupKey(group, '');
    const now = this.options.now();
    const keys: string[] = [];
    for (const internal of this.groups.get(group) ?? []) {
      const entry = this.lru?.peek(internal);
      if (entry && !this.expired(entry, now)) keys.push(internal.slice(prefix.length));
    }
    return keys;
  }

  stats(): RegionStats {
    return { region: this.name, size: this.lru?.size ?? 0, ...this.counters };
  }

  /** Applies another node's invalidation here, without sending it on. */
  applyRemote(event: CacheInvalidation): void {
    this.counters.invalidationsReceived++;
    switch (event.op) {
      case 'remove':
        for (const key of event.keys ?? []) this.lru?.delete(this.plainKey(key));
        break;
      case 'removeFromGroup':
        for (const key of event.keys ?? []) this.lru?.delete(this.groupKey(event.group ?? '', key));
        break;
      case 'invalidateGroup':
        this.dropGroup(event.group ?? '');
        break;
      case 'clear':
        this.clearLocal();
        break;
    }
  }

  /** Invalidations for this region may have been missed: drop everything (safety first). */
  clearForGap(): void {
    this.counters.gapClears++;
    this.clearLocal();
  }

  /**
   * The memory shrinker: drops entries past MaxLifeSeconds or IdleTime, and at most MaxSpoolPerRun
   * entries past MaxMemoryIdleTimeSeconds (JCS limits only the latter per run). Returns how many went.
   */
  shrink(): number {
    if (!this.lru) return 0;
    const now = this.options.now();
    let memoryIdleBudget = this.settings.maxSpoolPerRun < 0 ? Infinity : this.settings.maxSpoolPerRun;
    const doomed: string[] = [];
    // Least recently used first, so the MaxSpoolPerRun budget goes to the longest idle entries.
    for (const [key, entry] of this.lru.rentries() as Generator<[string, Entry<V>]>) {
      if (this.elementExpired(entry, now)) doomed.push(key);
      else if (memoryIdleBudget > 0 && now - entry.lastAccess > this.memoryIdleMs) {
        doomed.push(key);
        memoryIdleBudget--;
      }
    }
    for (const key of doomed) this.lru.delete(key);
    this.counters.expirations += doomed.length;
    return doomed.length;
  }

  private read(internal: string): V | undefined {
    const entry = this.lru?.get(internal);
    if (entry === undefined) {
      this.counters.misses++;
      return undefined;
    }
    const now = this.options.now();
    if (this.expired(entry, now)) {
      this.counters.expirations++;
      this.counters.misses++;
      this.lru!.delete(internal);
      return undefined;
    }
    entry.lastAccess = now;
    this.counters.hits++;
    return entry.value;
  }

  /** Stores; returns true when the put must be propagated (an update, or IssueRemoveOnPut). */
  private write(internal: string, value: V, group: string | undefined): boolean {
    if (!this.lru) return this.options.issueRemoveOnPut;
    const now = this.options.now();
    const previous = this.lru.peek(internal);
    const update = previous !== undefined && !this.expired(previous, now);
    this.lru.set(internal, group === undefined ? { value, created: now, lastAccess: now } : { value, created: now, lastAccess: now, group });
    if (group !== undefined) {
      const keys = this.groups.get(group) ?? this.groups.set(group, new Set()).get(group)!;
      keys.add(internal);
    }
    return update || this.options.issueRemoveOnPut;
  }

  private send(event: LocalInvalidation): void {
    if (this.settings.distributed && this.options.invalidate(event)) this.counters.invalidationsSent++;
  }

  private clearLocal(): void {
    this.lru?.clear();
    this.groups.clear();
  }

  private dropGroup(group: string): void {
    this.groupKey(group, ''); // validates the group name
    for (const internal of [...(this.groups.get(group) ?? [])]) this.lru?.delete(internal);
    this.groups.delete(group);
  }

  private unindex(group: string, internal: string): void {
    const keys = this.groups.get(group);
    if (!keys) return;
    keys.delete(internal);
    if (keys.size === 0) this.groups.delete(group);
  }

  private elementExpired(entry: Entry<V>, now: number): boolean {
    return now - entry.created > this.maxLifeMs || now - entry.lastAccess > this.idleMs;
  }

  private expired(entry: Entry<V>, now: number): boolean {
    return this.elementExpired(entry, now) || now - entry.lastAccess > this.memoryIdleMs;
  }

  private plainKey(key: string): string {
    if (typeof key !== 'string' || key.startsWith(SEP)) throw new TypeError(`cache region ${this.name}: a key must be a string not starting with \\0, got ${JSON.stringify(key)}`);
    return key;
  }

  private groupKey(group: string, key: string): string {
    if (typeof group !== 'string' || group.includes(SEP) || typeof key !== 'string') {
      throw new TypeError(`cache region ${this.name}: group and key must be strings, the group without \\0 (group ${JSON.stringify(group)})`);
    }
    return `${SEP}${group}${SEP}${key}`;
  }
}
