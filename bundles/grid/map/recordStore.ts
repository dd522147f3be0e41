import { type Ref, records } from './recordArena.js';
import { RecordMap } from './recordMap.js';

/** A record as it travels in backups, migrations and merges. */
export type WireRecord = [key: string, value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number];

export function toWireRecord(ref: Ref): WireRecord {
  return [records.key(ref), records.value(ref), records.created(ref), records.updated(ref), records.accessed(ref), records.hits(ref), records.expires(ref)];
}

/** Stores a record that came over the wire, in place of the key's record if there is one. */
export function storeWireRecord(store: RecordMap, w: WireRecord): Ref {
  return store.set(w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
}

/** Why a record is no longer alive, or undefined when it is. */
export function expiryOf(ref: Ref, now: number, maxIdleMs: number): 'expired' | 'evicted' | undefined {
  const expires = records.expires(ref);
  if (expires !== 0 && expires <= now) return 'expired';
  if (maxIdleMs > 0 && records.accessed(ref) + maxIdleMs <= now) return 'evicted';
  return undefined;
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
