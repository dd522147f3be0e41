import { pack, unpack } from 'msgpackr';
import { type ClusterState, ClusterStateError, type DistributedMap, type EntryListener, type EntryView, type LocalMapStats, type PutOptions } from '../api.js';
import type { Invoker } from '../partition/invoker.js';
import type { PartitionService } from '../partition/partitionService.js';
import { partitionOf } from '../partition/partitionTable.js';
import type { MapConfig } from './mapConfig.js';
import type { MapEvents } from './mapEvents.js';
import { MAP_SERVICE, Op, type MapOp } from './mapOps.js';
import type { MapCounters, MapStatsRegistry } from './mapStats.js';
import { SplitBrainProtection } from '../data/splitBrainProtection.js';
import { NONE, records } from './recordArena.js';
import { expiryOf, type RecordStores } from './recordStore.js';
import { toEntryView, type WireEntryView } from './entryView.js';
import type { ProtocolFeature } from '../transport/protocolVersion.js';

/** What every map proxy of one member shares. */
export interface MapContext {
  readonly invoker: Invoker;
  readonly partitions: PartitionService;
  readonly stores: RecordStores;
  readonly events: MapEvents;
  readonly stats: MapStatsRegistry;
  /** The agreed cluster state: PASSIVE refuses writes. */
  readonly clusterState: () => ClusterState;
  /** Throws while the cluster version lacks a wire feature (a member of an older build is present). */
  readonly requireFeature: (feature: ProtocolFeature, what: string) => void;
  readonly maxKeySize: number;
  readonly maxValueSize: number;
}

/** The typed map API: values are msgpack-encoded here and stay Buffers on every member. */
export class GridMap<V> implements DistributedMap<V> {
  private readonly counters: MapCounters;
  /** Undefined without split-brain protection: nothing to check per operation. */
  private readonly protection: SplitBrainProtection | undefined;

  constructor(readonly name: string, private readonly config: MapConfig, private readonly ctx: MapContext) {
    this.counters = ctx.stats.of(name);
    const size = config.minimumClusterSize ?? 0;
    this.protection = size > 0 ? new SplitBrainProtection(`map ${name}`, size, ctx.partitions) : undefined;
  }

  async get(key: string): Promise<V | undefined> {
    this.refuseWithoutQuorum();
    const start = performance.now();
    const p = this.partition(key);
    const local = this.config.readBackupData ? this.readBackup(p, key) : undefined;
    const buf = local !== undefined ? local || undefined : await this.call<Buffer | null | undefined>(p, [Op.GET, this.name, key]);
    this.counters.gets++;
    this.counters.getMs += performance.now() - start;
    return buf == null ? undefined : (unpack(buf) as V);
  }

  put(key: string, value: V, options?: PutOptions): Promise<V | undefined> {
    return this.write(Op.PUT, key, value, options);
  }

  set(key: string, value: V, options?: PutOptions): Promise<void> {
    // The owner answers nothing for a set: the promise resolves to undefined without another wrapper.
    return this.write(Op.SET, key, value, options) as Promise<unknown> as Promise<void>;
  }

  putIfAbsent(key: string, value: V, options?: PutOptions): Promise<V | undefined> {
    return this.write(Op.PUT_IF_ABSENT, key, value, options);
  }

  replace(key: string, value: V): Promise<V | undefined>;
  replace(key: string, expected: V, value: V): Promise<boolean>;
  replace(key: string, ...values: [V] | [V, V]): Promise<V | undefined> | Promise<boolean> {
    return values.length === 1 ? this.write(Op.REPLACE, key, values[0]) : this.compareAndSet(key, values[0], values[1]);
  }

  private async compareAndSet(key: string, expected: V, value: V): Promise<boolean> {
    const start = performance.now();
    const p = this.partition(key);
    const replaced = await this.call<boolean>(p, [Op.REPLACE_IF_SAME, this.name, key, pack(expected), this.encode(key, value)]);
    this.counters.puts++;
    this.counters.putMs += performance.now() - start;
    return replaced;
  }

  async remove(key: string): Promise<V | undefined> {
    const buf = await this.removal(Op.REMOVE, key);
    return buf === undefined ? undefined : (unpack(buf) as V);
  }

  async delete(key: string): Promise<void> {
    await this.removal(Op.DELETE, key);
  }

  containsKey(key: string): Promise<boolean> {
    return this.call<boolean>(this.partition(key), [Op.CONTAINS, this.name, key]);
  }

  async getEntryView(key: string): Promise<EntryView<V> | undefined> {
    this.refuseWithoutQuorum();
    this.ctx.requireFeature('entryView', `getEntryView on map ${this.name}`);
    const w = await this.call<WireEntryView | null | undefined>(this.partition(key), [Op.ENTRY_VIEW, this.name, key]);
    return w ? toEntryView(key, w, (b) => unpack(b) as V) : undefined;
  }

  async size(): Promise<number> {
    this.refuseWithoutQuorum();
    const sizes = await this.ctx.invoker.invokeAll<number>(MAP_SERVICE, [Op.SIZE, this.name]);
    return sizes.reduce((a, b) => a + b, 0);
  }

  async keys(): Promise<string[]> {
    this.refuseWithoutQuorum();
    return (await this.ctx.invoker.invokeAll<string[]>(MAP_SERVICE, [Op.KEYS, this.name])).flat();
  }

  async values(): Promise<V[]> {
    return (await this.entries()).map(([, v]) => v);
  }

  async entries(): Promise<[string, V][]> {
    this.refuseWithoutQuorum();
    const parts = await this.ctx.invoker.invokeAll<[string, Buffer][]>(MAP_SERVICE, [Op.ENTRIES, this.name]);
    return parts.flat().map(([k, b]) => [k, unpack(b) as V]);
  }

  async clear(): Promise<void> {
    this.refuseWhilePassive(`map ${this.name}: clear`);
    this.refuseWithoutQuorum();
    await this.ctx.invoker.invokeAll<number>(MAP_SERVICE, [Op.CLEAR, this.name]);
  }

  addEntryListener(listener: EntryListener<V>, options?: { includeValue?: boolean }): () => void {
    return this.ctx.events.add(this.name, listener as EntryListener<unknown>, options?.includeValue ?? true);
  }

  localStats(): LocalMapStats {
    return this.ctx.stats.stats(this.name);
  }

  private async write(code: typeof Op.PUT | typeof Op.SET | typeof Op.PUT_IF_ABSENT | typeof Op.REPLACE, key: string, value: V, options?: PutOptions): Promise<V | undefined> {
    this.refuseWhilePassive(`map ${this.name}: ${code === Op.SET ? 'set' : 'put'} of key "${key.slice(0, 64)}"`);
    const start = performance.now();
    const p = this.partition(key);
    const buf = this.encode(key, value);
    const ttlMs = Math.max(0, (options?.ttlSeconds ?? 0) * 1000);
    const old = await this.call<Buffer | undefined>(p, [code, this.name, key, buf, ttlMs]);
    this.counters.puts++;
    this.counters.putMs += performance.now() - start;
    return old === undefined || old === null ? undefined : (unpack(old) as V);
  }

  private encode(key: string, value: V): Buffer {
    const buf = pack(value);
    if (buf.length > this.ctx.maxValueSize) {
      throw new Error(`map ${this.name}: value for key "${key.slice(0, 64)}" is ${buf.length} bytes, more than the limit of ${this.ctx.maxValueSize} (com.openexchange.hazelcast.map.maxValueSize)`);
    }
    return buf;
  }

  private async removal(code: typeof Op.REMOVE | typeof Op.DELETE, key: string): Promise<Buffer | undefined> {
    this.refuseWhilePassive(`map ${this.name}: remove of key "${key.slice(0, 64)}"`);
    const start = performance.now();
    const buf = await this.call<Buffer | null | undefined>(this.partition(key), [code, this.name, key]);
    this.counters.removes++;
    this.counters.removeMs += performance.now() - start;
    return buf ?? undefined;
  }

  /**
   * readBackupData: a member holding a replica answers from it. Returns the value, false when the
   * replica has no live entry, undefined when this member holds no replica (ask the owner).
   */
  private readBackup(p: number, key: string): Buffer | false | undefined {
    const replicas = this.ctx.partitions.replicasOf(p);
    const me = this.ctx.partitions.localId;
    if (replicas[0] === me || !replicas.includes(me)) return undefined;
    const r = this.ctx.stores.peek(p, this.name)?.find(key) ?? NONE;
    const now = Date.now();
    if (r === NONE || expiryOf(r, now, this.config.maxIdleSeconds * 1000)) return false;
    // Tell the owner about the read (idle time), at most once per quarter of the idle time (or second).
    const idleMs = this.config.maxIdleSeconds * 1000;
    if (idleMs > 0 && now - records.accessed(r) > Math.min(1000, idleMs / 4)) {
      records.setAccessed(r, now);
      this.call(p, [Op.TOUCH, this.name, key]).catch(() => undefined);
    }
    return records.value(r);
  }

  private partition(key: string): number {
    if (typeof key !== 'string') throw new TypeError(`map ${this.name}: keys must be strings, got ${typeof key}`);
    const bytes = Buffer.byteLength(key);
    if (bytes > this.ctx.maxKeySize) {
      throw new Error(`map ${this.name}: key "${key.slice(0, 64)}..." is ${bytes} bytes, more than the limit of ${this.ctx.maxKeySize} (com.openexchange.hazelcast.map.maxKeySize)`);
    }
    return partitionOf(key, this.ctx.partitions.partitionCount);
  }

  private call<R>(p: number, op: MapOp): Promise<R> {
    const refusal = this.protection?.refusal();
    if (refusal) return Promise.reject(refusal);
    return this.ctx.invoker.invoke<R>(MAP_SERVICE, p, op);
  }

  /** PASSIVE: reads only, checked where the write starts so it fails before anything is sent. */
  private refuseWhilePassive(operation: string): void {
    const state = this.ctx.clusterState();
    if (state === 'PASSIVE') throw new ClusterStateError(state, operation, this.ctx.partitions.localAddress);
  }

  /** Split-brain protection: reads too, since this side's copy may be stale (Hazelcast's READ_WRITE). */
  private refuseWithoutQuorum(): void {
    const refusal = this.protection?.refusal();
    if (refusal) throw refusal;
  }
}
