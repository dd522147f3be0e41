/**
 * Times are kept as milliseconds since this process started: small integers, which V8 stores in the
 * record itself (Smi) instead of a 12-byte boxed number per field, 48 bytes less per record. That
 * holds for about 12 days of process life; later times are plain (boxed) numbers again, still exact.
 */
import { RELEASED, type ValueRef, valueArena } from './valueArena.js';

const BASE = Date.now();
/** `expires` of a record without TTL; no real expiry is that far before the process started. */
const NO_EXPIRY = -(2 ** 30);

function offset(ms: number): number {
  const d = ms - BASE;
  return (d | 0) === d ? d | 0 : d;
}

/**
 * One stored entry; the value stays serialized (msgpack) to keep memory low. Its bytes live in the
 * value arena (off V8's heap, rewritten in place on update); `value` copies them out. A record
 * removed from its store is released, and its value must not be read after that.
 */
export class MapRecord {
  private v: ValueRef;
  private c: number;
  private u: number;
  private a: number;
  private e: number;

  /** `value` is copied: a decoded Buffer may be a view into a whole network frame. */
  constructor(value: Buffer, created: number, updated: number, accessed: number, public hits: number, expires: number) {
    this.v = valueArena.store(value);
    this.c = offset(created);
    this.u = offset(updated);
    this.a = offset(accessed);
    this.e = NO_EXPIRY;
    this.expires = expires;
  }

  get value(): Buffer {
    return valueArena.read(this.v);
  }

  set value(bytes: Buffer) {
    this.v = valueArena.replace(this.v, bytes);
  }

  get valueLength(): number {
    return valueArena.length(this.v);
  }

  /** Gives the value's slot back to the arena; done by the store that removes this record. */
  release(): void {
    valueArena.release(this.v);
    this.v = RELEASED;
  }

  get created(): number {
    return this.c + BASE;
  }

  set created(ms: number) {
    this.c = offset(ms);
  }

  get updated(): number {
    return this.u + BASE;
  }

  set updated(ms: number) {
    this.u = offset(ms);
  }

  get accessed(): number {
    return this.a + BASE;
  }

  set accessed(ms: number) {
    this.a = offset(ms);
  }

  /** Absolute expiry time in ms, 0 when the entry has no TTL. */
  get expires(): number {
    return this.e === NO_EXPIRY ? 0 : this.e + BASE;
  }

  set expires(ms: number) {
    const e = ms === 0 ? NO_EXPIRY : offset(ms);
    // A real expiry landing on the marker is long past: one ms earlier means the same.
    this.e = e === NO_EXPIRY && ms !== 0 ? e - 1 : e;
  }
}

/** A record as it travels in backups, migrations and merges. */
export type WireRecord = [key: string, value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number];

export function toWireRecord(key: string, r: MapRecord): WireRecord {
  return [key, r.value, r.created, r.updated, r.accessed, r.hits, r.expires];
}

export function fromWireRecord(w: WireRecord): MapRecord {
  return new MapRecord(w[1], w[2], w[3], w[4], w[5], w[6]);
}

/** Why a record is no longer alive, or undefined when it is. */
export function expiryOf(r: MapRecord, now: number, maxIdleMs: number): 'expired' | 'evicted' | undefined {
  if (r.expires !== 0 && r.expires <= now) return 'expired';
  if (maxIdleMs > 0 && r.accessed + maxIdleMs <= now) return 'evicted';
  return undefined;
}

/** One map's records in one partition; a record that is replaced, deleted or cleared is released. */
export class RecordMap extends Map<string, MapRecord> {
  override set(key: string, record: MapRecord): this {
    const old = super.get(key);
    if (old !== undefined && old !== record) old.release();
    return super.set(key, record);
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old === undefined) return false;
    old.release();
    return super.delete(key);
  }

  override clear(): void {
    for (const r of super.values()) r.release();
    super.clear();
  }
}

/** All data one member keeps for one partition: its map entries per map name. */
export class PartitionContainer {
  readonly maps = new Map<string, RecordMap>();
  // Most partitions hold one map: comparing a short name is cheaper than hashing it for a lookup.
  private lastName = '';
  private lastStore: RecordMap | undefined;

  store(map: string): RecordMap {
    let s = this.peek(map);
    if (!s) this.maps.set(map, (s = new RecordMap()));
    return s;
  }

  peek(map: string): RecordMap | undefined {
    if (map === this.lastName) return this.lastStore;
    const s = this.maps.get(map);
    if (s) {
      this.lastName = map;
      this.lastStore = s;
    }
    return s;
  }
}

/** The map entries this member holds, per partition (owned and backup alike). */
export class RecordStores {
  private readonly containers: (PartitionContainer | undefined)[];
  /** Maps that hold (or held) an entry with a TTL here: the expiry sweep skips the others. */
  readonly mapsWithTtl = new Set<string>();

  constructor(readonly partitionCount: number) {
    this.containers = new Array(partitionCount).fill(undefined);
  }

  container(p: number): PartitionContainer {
    let c = this.containers[p];
    if (!c) this.containers[p] = c = new PartitionContainer();
    return c;
  }

  peekContainer(p: number): PartitionContainer | undefined {
    return this.containers[p];
  }

  peek(p: number, map: string): RecordMap | undefined {
    return this.containers[p]?.peek(map);
  }

  drop(p: number): void {
    for (const store of this.containers[p]?.maps.values() ?? []) store.clear();
    this.containers[p] = undefined;
  }

  mapNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.containers) for (const n of c?.maps.keys() ?? []) names.add(n);
    return names;
  }
}
