import type { Logger } from 'winston';
import type { MergePolicyName } from '../data/dataConfig.js';
import { mergeWins } from '../data/mergePolicies.js';
import type { Invoker, PartitionExecutor } from '../partition/invoker.js';
import type { PartitionService } from '../partition/partitionService.js';
import type { MapConfig } from './mapConfig.js';
import type { MapEvents } from './mapEvents.js';
import { type BackupOp, MAP_SERVICE, Op, type MapOp } from './mapOps.js';
import type { MapStatsRegistry } from './mapStats.js';
import { expiryOf, fromWireRecord, MapRecord, type RecordStores, toWireRecord, type WireRecord } from './recordStore.js';

/** Map operations as the partition owner runs them, and the backups it sends and receives. */
export class MapExecutor implements PartitionExecutor {
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
    const now = Date.now();
    switch (o[0]) {
      case Op.GET: {
        const r = this.live(p, map, o[2], now);
        if (!r) return undefined;
        r.hits++;
        r.accessed = now;
        this.stats.of(map).hits++;
        return r.value;
      }
      case Op.CONTAINS:
      case Op.TOUCH: {
        const r = this.live(p, map, o[2], now);
        if (r) r.accessed = now;
        return r !== undefined;
      }
      case Op.PUT:
      case Op.PUT_IF_ABSENT:
      case Op.REPLACE:
        return this.write(p, o[0], map, o[2], Buffer.from(o[3]), o[4], now);
      case Op.REMOVE:
      case Op.DELETE: {
        const r = this.live(p, map, o[2], now);
        if (!r) return undefined;
        this.stores.peek(p, map)?.delete(o[2]);
        this.stats.of(map).lastUpdate = now;
        this.events.emit(map, 'removed', o[2], undefined, r.value);
        return this.backup(p, map, ['d', map, o[2]]).then(() => (o[0] === Op.REMOVE ? r.value : undefined));
      }
      case Op.SIZE:
        return this.liveEntries(p, map, now).length;
      case Op.KEYS:
        return this.liveEntries(p, map, now).map(([k]) => k);
      case Op.ENTRIES:
        return this.liveEntries(p, map, now).map(([k, r]) => [k, r.value]);
      case Op.CLEAR: {
        const store = this.stores.peek(p, map);
        if (!store || store.size === 0) return 0;
        const n = store.size;
        store.clear();
        return this.backup(p, map, ['c', map]).then(() => n);
      }
      case Op.MERGE:
        return this.merge(p, map, o[2] as MergePolicyName | '', o[3], now);
    }
  }

  private async write(p: number, code: number, map: string, key: string, value: Buffer, ttlMs: number, now: number): Promise<Buffer | undefined> {
    const existing = this.live(p, map, key, now);
    if (code === Op.PUT_IF_ABSENT && existing) {
      existing.accessed = now;
      return existing.value;
    }
    if (code === Op.REPLACE && !existing) return undefined;
    const ttl = ttlMs > 0 ? ttlMs : this.config(map).timeToLiveSeconds * 1000;
    const expires = ttl > 0 ? now + ttl : 0;
    if (expires > 0) this.stores.mapsWithTtl.add(map);
    const old = existing?.value;
    let record = existing;
    if (record) {
      record.value = value;
      record.updated = now;
      record.accessed = now;
      record.expires = expires;
    } else {
      record = new MapRecord(value, now, now, now, 0, expires);
      this.stores.container(p).store(map).set(key, record);
    }
    this.stats.of(map).lastUpdate = now;
    if (this.events.wanted(map)) this.events.emit(map, old ? 'updated' : 'added', key, value, old);
    await this.backup(p, map, ['s', map, ...toWireRecord(key, record)]);
    return code === Op.PUT_IF_ABSENT ? undefined : old;
  }

  private async merge(p: number, map: string, policyName: MergePolicyName | '', records: WireRecord[], now: number): Promise<number> {
    const policy = policyName || this.config(map).mergePolicy || this.defaultMergePolicy;
    const store = this.stores.container(p).store(map);
    let merged = 0;
    const backups: Promise<void>[] = [];
    for (const w of records) {
      const existing = this.live(p, map, w[0], now);
      if (!mergeWins(policy, existing, w)) continue;
      const record = fromWireRecord(w);
      store.set(w[0], record);
      if (record.expires) this.stores.mapsWithTtl.add(map);
      merged++;
      this.events.emit(map, existing ? 'updated' : 'added', w[0], record.value, existing?.value);
      backups.push(this.backup(p, map, ['s', map, ...toWireRecord(w[0], record)]));
    }
    await Promise.all(backups);
    return merged;
  }

  applyBackup(p: number, op: unknown): void {
    const b = op as BackupOp;
    switch (b[0]) {
      case 's': {
        const [, map, ...w] = b;
        this.stores.container(p).store(map).set(w[0], fromWireRecord(w as WireRecord));
        if (w[6]) this.stores.mapsWithTtl.add(map);
        return;
      }
      case 'd':
        this.stores.peek(p, b[1])?.delete(b[2]);
        return;
      case 'c':
        this.stores.peek(p, b[1])?.clear();
    }
  }

  /** Removes entries past their TTL or idle time from the partitions this member owns. */
  sweep(): void {
    const now = Date.now();
    const me = this.partitions.localId;
    for (let p = 0; p < this.partitions.partitionCount; p++) {
      if (this.partitions.ownerOf(p) !== me) continue;
      for (const [map, store] of this.stores.peekContainer(p)?.maps ?? []) {
        const idleMs = this.config(map).maxIdleSeconds * 1000;
        if (idleMs === 0 && !this.stores.mapsWithTtl.has(map)) continue;
        for (const [key, r] of store) if (expiryOf(r, now, idleMs)) this.live(p, map, key, now);
      }
    }
  }

  /** The record when it is alive; an expired one is removed here (owner only) with its event and backup. */
  private live(p: number, map: string, key: string, now: number): MapRecord | undefined {
    const store = this.stores.peek(p, map);
    const r = store?.get(key);
    if (!r) return undefined;
    const why = expiryOf(r, now, this.config(map).maxIdleSeconds * 1000);
    if (!why) return r;
    store!.delete(key);
    this.events.emit(map, why, key, undefined, r.value);
    this.backup(p, map, ['d', map, key]).catch((err: Error) => this.logger.debug(`expiry backup of ${map}/${key}: ${err.message}`));
    return undefined;
  }

  private liveEntries(p: number, map: string, now: number): [string, MapRecord][] {
    const store = this.stores.peek(p, map);
    if (!store) return [];
    const out: [string, MapRecord][] = [];
    for (const key of [...store.keys()]) {
      const r = this.live(p, map, key, now);
      if (r) out.push([key, r]);
    }
    return out;
  }

  private backup(p: number, map: string, op: BackupOp): Promise<void> {
    const c = this.config(map);
    if (c.backupCount + c.asyncBackupCount === 0) return Promise.resolve();
    return this.invoker.backup(MAP_SERVICE, p, op, c.backupCount, c.asyncBackupCount);
  }
}
