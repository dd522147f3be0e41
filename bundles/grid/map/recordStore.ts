/**
 * Times are kept as milliseconds since this process started: small integers, which V8 stores in the
 * record itself (Smi) instead of a 12-byte boxed number per field, 48 bytes less per record. That
 * holds for about 12 days of process life; later times are plain (boxed) numbers again, still exact.
 */
const BASE = Date.now();
/** `expires` of a record without TTL; no real expiry is that far before the process started. */
const NO_EXPIRY = -(2 ** 30);

function offset(ms: number): number {
  const d = ms - BASE;
  return (d | 0) === d ? d | 0 : d;
}

/**
 * One stored entry; the value stays serialized (msgpack) to keep memory low. Its bytes are kept as a
 * latin1 string (one char per byte, lossless): a string lives on V8's heap and takes about 100 bytes
 * less than a Buffer (a typed-array object plus its slice of a pool). `value` copies it back out.
 */
export class MapRecord {
  private v: string;
  private c: number;
  private u: number;
  private a: number;
  private e: number;

  /** `value` is copied: a decoded Buffer may be a view into a whole network frame. */
  constructor(value: Buffer, created: number, updated: number, accessed: number, public hits: number, expires: number) {
    this.v = value.toString('latin1');
    this.c = offset(created);
    this.u = offset(updated);
    this.a = offset(accessed);
    this.e = NO_EXPIRY;
    this.expires = expires;
  }

  get value(): Buffer {
    return Buffer.from(this.v, 'latin1');
  }

  set value(bytes: Buffer) {
    this.v = bytes.toString('latin1');
  }

  get valueLength(): number {
    return this.v.length;
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

/** All data one member keeps for one partition: its map entries per map name. */
export class PartitionContainer {
  readonly maps = new Map<string, Map<string, MapRecord>>();

  store(map: string): Map<string, MapRecord> {
    let s = this.maps.get(map);
    if (!s) this.maps.set(map, (s = new Map()));
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

  peek(p: number, map: string): Map<string, MapRecord> | undefined {
    return this.containers[p]?.maps.get(map);
  }

  drop(p: number): void {
    this.containers[p] = undefined;
  }

  mapNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.containers) for (const n of c?.maps.keys() ?? []) names.add(n);
    return names;
  }
}
