import type { Logger } from 'winston';
import type { MergePolicyName } from '../data/dataConfig.js';
import { mergeWins } from '../data/mergePolicies.js';
import type { Invoker } from '../partition/invoker.js';
import type { PartitionExecutor } from '../partition/partitionExecutor.js';
import type { PartitionService } from '../partition/partitionService.js';
import type { MapConfig } from './mapConfig.js';
import { type MapEvents, Wanted } from './mapEvents.js';
import { type BackupOp, MAP_SERVICE, Op, type MapOp } from './mapOps.js';
import { isMapBackup, isMapOp, mapAnswerCheck } from './mapSchemas.js';
import { wireEntryView } from './entryView.js';
import type { MapCounters, MapStatsRegistry } from './mapStats.js';
import { NONE, type Ref, records } from './recordArena.js';
import { expiryOf, type RecordStores, storeWireRecord, type WireRecord } from './recordStore.js';

/** What operations need of their map, found with one lookup per operation. */
interface MapState {
  config: MapConfig;
  idleMs: number;
  counters: MapCounters;
}

/** Map operations as the partition owner runs them, and the backups it sends and receives. */
export class MapExecutor implements PartitionExecutor {
  readonly opCheck = isMapOp;
  readonly backupCheck = isMapBackup;
  readonly answerCheck = mapAnswerCheck;
  private readonly states = new Map<string, MapState>();

  constructor(
    private readonly stores: RecordStores,
    private readonly partitions: PartitionService,
    private readonly invoker: Invoker,
    private readonly events: MapEvents,
    private readonly stats: MapStatsRegistry,
    private readonly config: (map: string) => MapConfig,
    private readonly defaultMergePolicy: MergePolicyName,
    private readonly logger: Logger,
  ) {}

  execute(p: number, op: unknown): unknown {
    const o = op as MapOp;
    const map = o[1];
    const s = this.state(map);
    const now = Date.now();
    switch (o[0]) {
      case Op.GET: {
        const r = this.live(p, map, o[2], now, s);
        if (r === NONE) return undefined;
        records.hit(r, now);
        s.counters.hits++;
        return records.value(r);
      }
      case Op.CONTAINS:
      case Op.TOUCH: {
        const r = this.live(p, map, o[2], now, s);
        if (r !== NONE) records.setAccessed(r, now);
        return r !== NONE;
      }
      case Op.ENTRY_VIEW:
        // An operator's look: neither a hit nor an access, so it changes no statistics and no idle time.
        return wireEntryView(this.live(p, map, o[2], now, s), now, this.partitions.localAddress);
      case Op.PUT:
      case Op.SET:
      case Op.PUT_IF_ABSENT:
      case Op.REPLACE:
        return this.write(p, o[0], map, o[2], o[3], o[4], now, s);
      case Op.REPLACE_IF_SAME: {
        const r = this.live(p, map, o[2], now, s);
        if (r === NONE || !records.value(r).equals(o[3])) return false;
        return after(this.write(p, Op.SET, map, o[2], o[4], 0, now, s) as Promise<void> | undefined, true);
      }
      case Op.REMOVE:
      case Op.DELETE: {
        const r = this.live(p, map, o[2], now, s);
        if (r === NONE) return undefined;
        // Read before the delete, which releases the record.
        const old = o[0] === Op.REMOVE ? records.value(r) : undefined;
        this.emitGone(map, 'removed', o[2], r);
        this.stores.peek(p, map)?.delete(o[2]);
        s.counters.lastUpdate = now;
        return after(this.backup(p, ['d', map, o[2]], s), old);
      }
      case Op.SIZE: {
        let n = 0;
        this.forLive(p, map, now, s, () => n++);
        return n;
      }
      case Op.KEYS: {
        const keys: string[] = [];
        this.forLive(p, map, now, s, (r) => keys.push(records.key(r)));
        return keys;
      }
      case Op.ENTRIES: {
        const entries: [string, Buffer][] = [];
        this.forLive(p, map, now, s, (r) => entries.push([records.key(r), records.value(r)]));
        return entries;
      }
      case Op.CLEAR: {
        const store = this.stores.peek(p, map);
        if (!store || store.size === 0) return 0;
        const n = store.size;
        store.clear();
        return after(this.backup(p, ['c', map], s), n);
      }
      case Op.MERGE:
        return this.merge(p, map, o[2] as MergePolicyName | '', o[3], now, s);
    }
  }

  private write(p: number, code: number, map: string, key: string, value: Buffer, ttlMs: number, now: number, s: MapState): Buffer | undefined | Promise<Buffer | undefined> {
    const existing = this.live(p, map, key, now, s);
    if (code === Op.PUT_IF_ABSENT && existing !== NONE) {
      records.setAccessed(existing, now);
      return records.value(existing);
    }
    if (code === Op.REPLACE && existing === NONE) return undefined;
    const ttl = ttlMs > 0 ? ttlMs : s.config.timeToLiveSeconds * 1000;
    const expires = ttl > 0 ? now + ttl : 0;
    if (expires > 0) this.stores.mapsWithTtl.add(map);
    const type = existing !== NONE ? 'updated' : 'added';
    const wanted = this.events.wanted(map, type);
    // The old bytes are copied out of the record only when someone gets them: not for set or put-if-absent.
    const old = existing !== NONE && (wanted === Wanted.VALUES || code === Op.PUT || code === Op.REPLACE) ? records.value(existing) : undefined;
    const created = existing !== NONE ? records.created(existing) : now;
    const hits = existing !== NONE ? records.hits(existing) : 0;
    const record = this.stores.container(p).store(map).set(key, value, created, now, now, hits, expires);
    s.counters.lastUpdate = now;
    // The incoming bytes go to the backups as they are: no copy back out of the record. The backup is
    // made before listeners run, which may change the record.
    const backupOp = setOp(map, key, record, value);
    if (wanted !== Wanted.NONE) this.events.emit(map, type, key, value, old);
    return after(this.backup(p, backupOp, s), code === Op.PUT || code === Op.REPLACE ? old : undefined);
  }

  private async merge(p: number, map: string, policyName: MergePolicyName | '', incoming: WireRecord[], now: number, s: MapState): Promise<number> {
    const policy = policyName || s.config.mergePolicy || this.defaultMergePolicy;
    const store = this.stores.container(p).store(map);
    let merged = 0;
    const backups: Promise<void>[] = [];
    for (const w of incoming) {
      const existing = this.live(p, map, w[0], now, s);
      if (!mergeWins(policy, existing, w)) continue;
      const old = existing !== NONE ? records.value(existing) : undefined;
      const record = storeWireRecord(store, w);
      if (w[6]) this.stores.mapsWithTtl.add(map);
      merged++;
      const backupOp = setOp(map, w[0], record, w[1]);
      this.events.emit(map, existing !== NONE ? 'updated' : 'added', w[0], w[1], old);
      const wait = this.backup(p, backupOp, s);
      if (wait) backups.push(wait);
    }
    await Promise.all(backups);
    return merged;
  }

  applyBackup(p: number, op: unknown): void {
    const b = op as BackupOp;
    switch (b[0]) {
      case 's': {
        // Runs for every backed-up write: indexed rather than destructured; an existing record is
        // updated in place.
        const map = b[1];
        this.stores.container(p).store(map).set(b[2], b[3], b[4], b[5], b[6], b[7], b[8]);
        if (b[8]) this.stores.mapsWithTtl.add(map);
        return;
      }
      case 'd':
        this.stores.peek(p, b[1])?.delete(b[2]);
        return;
      case 'c':
        this.stores.peek(p, b[1])?.clear();
    }
  }

  /** The event of an entry that is gone; its old value is copied out only when a listener wants it. */
  private emitGone(map: string, type: 'removed' | 'evicted' | 'expired', key: string, r: Ref): void {
    const wanted = this.events.wanted(map, type);
    if (wanted !== Wanted.NONE) this.events.emit(map, type, key, undefined, wanted === Wanted.VALUES ? records.value(r) : undefined);
  }

  /** Removes entries past their TTL or idle time from the partitions this member owns. */
  sweep(): void {
    const now = Date.now();
    const me = this.partitions.localId;
    for (let p = 0; p < this.partitions.partitionCount; p++) {
      if (this.partitions.ownerOf(p) !== me) continue;
      for (const map of this.stores.peekContainer(p)?.maps.keys() ?? []) {
        const s = this.state(map);
        if (s.idleMs === 0 && !this.stores.mapsWithTtl.has(map)) continue;
        this.forLive(p, map, now, s, () => undefined);
      }
    }
  }

  /** The record when it is alive; an expired one is removed here (owner only) with its event and backup. */
  private live(p: number, map: string, key: string, now: number, s: MapState): Ref {
    const store = this.stores.peek(p, map);
    if (!store) return NONE;
    const r = store.find(key);
    if (r === NONE) return NONE;
    const why = expiryOf(r, now, s.idleMs);
    if (!why) return r;
    this.emitGone(map, why, key, r);
    store.delete(key);
    this.backup(p, ['d', map, key], s)?.catch((err: Error) => this.logger.debug(`expiry backup of ${map}/${key}: ${err.message}`));
    return NONE;
  }

  /** Visits the live records of a map's partition, then removes the expired ones (after: removal runs listeners). */
  private forLive(p: number, map: string, now: number, s: MapState, visit: (r: Ref) => void): void {
    const store = this.stores.peek(p, map);
    if (!store) return;
    const expired: string[] = [];
    store.forEach((r) => {
      if (expiryOf(r, now, s.idleMs)) expired.push(records.key(r));
      else visit(r);
    });
    for (const key of expired) this.live(p, map, key, now, s);
  }

  private state(map: string): MapState {
    let s = this.states.get(map);
    if (!s) {
      const config = this.config(map);
      this.states.set(map, (s = { config, idleMs: config.maxIdleSeconds * 1000, counters: this.stats.of(map) }));
    }
    return s;
  }

  /** Undefined when no backup needs waiting for (none configured, or acked to a remote caller directly). */
  private backup(p: number, op: BackupOp, s: MapState): Promise<void> | undefined {
    const c = s.config;
    if (c.backupCount + c.asyncBackupCount === 0) return undefined;
    return this.invoker.backupNow(MAP_SERVICE, p, op, c.backupCount, c.asyncBackupCount);
  }
}

/** `value` once `wait` is done, or at once (no promise) when there is nothing to wait for. */
function after<T>(wait: Promise<void> | undefined, value: T): T | Promise<T> {
  return wait ? wait.then(() => value) : value;
}

function setOp(map: string, key: string, r: Ref, value: Buffer): BackupOp {
  return ['s', map, key, value, records.created(r), records.updated(r), records.accessed(r), records.hits(r), records.expires(r)];
}
