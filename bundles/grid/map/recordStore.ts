/** One stored entry; the value stays serialized (msgpack) to keep memory low. */
export class MapRecord {
  constructor(
    public value: Buffer,
    public created: number,
    public updated: number,
    public accessed: number,
    public hits: number,
    /** Absolute expiry time in ms, 0 when the entry has no TTL. */
    public expires: number,
  ) {}
}

/** A record as it travels in backups, migrations and merges. */
export type WireRecord = [key: string, value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number];

export function toWireRecord(key: string, r: MapRecord): WireRecord {
  return [key, r.value, r.created, r.updated, r.accessed, r.hits, r.expires];
}

/** Copies the value: a decoded Buffer may be a view into a whole network frame. */
export function fromWireRecord(w: WireRecord): MapRecord {
  return new MapRecord(Buffer.from(w[1]), w[2], w[3], w[4], w[5], w[6]);
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

  has(p: number): boolean {
    return this.containers[p] !== undefined;
  }

  mapNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.containers) for (const n of c?.maps.keys() ?? []) names.add(n);
    return names;
  }
}
