/** The partition table as the master publishes it. `replicas[p][0]` owns partition p, the rest are backups. */
export interface PartitionTable {
  readonly version: number;
  readonly replicas: readonly (readonly string[])[];
  /** The master's verdict: no migration pending and every partition has all its replicas. */
  readonly safe: boolean;
}

/** The wire form: member ids once, replicas as indices into them. */
export interface WireTable {
  v: number;
  m: string[];
  r: number[][];
  s: boolean;
}

export function toWire(t: PartitionTable): WireTable {
  const ids = new Map<string, number>();
  const r = t.replicas.map((list) => list.map((id) => {
    let i = ids.get(id);
    if (i === undefined) ids.set(id, (i = ids.size));
    return i;
  }));
  return { v: t.version, m: [...ids.keys()], r, s: t.safe };
}

export function fromWire(w: WireTable): PartitionTable {
  return { version: w.v, replicas: w.r.map((list) => list.map((i) => w.m[i])), safe: w.s };
}

export function emptyTable(count: number): PartitionTable {
  return { version: 0, replicas: Array.from({ length: count }, () => []), safe: false };
}

/** FNV-1a over the key's UTF-16 code units: stable across members and fast. */
export function partitionOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

export interface DataMember {
  readonly id: string;
  readonly group: string;
}

/** Drops members that are gone or hold no data; the first remaining backup becomes the owner. */
export function compact(replicas: readonly (readonly string[])[], keep: (id: string) => boolean): string[][] {
  return replicas.map((list) => list.filter(keep));
}

/**
 * A balanced assignment of `replicaCount` replicas per partition on distinct groups, keeping each
 * current holder where its replica index is not over the fair share, so that few partitions move.
 */
export function assign(current: readonly (readonly string[])[], members: readonly DataMember[], replicaCount: number): string[][] {
  const groups = new Map(members.map((m) => [m.id, m.group]));
  const replicasWanted = Math.min(replicaCount, new Set(groups.values()).size);
  const target: string[][] = current.map(() => []);
  if (members.length === 0) return target;
  const ceiling = Math.ceil(current.length / members.length);
  const total = new Map(members.map((m) => [m.id, 0]));
  const eligible = (p: number, id: string) => {
    const g = groups.get(id);
    return g !== undefined && !target[p].some((other) => other === id || groups.get(other) === g);
  };
  for (let r = 0; r < replicasWanted; r++) {
    const count = new Map(members.map((m) => [m.id, 0]));
    for (let p = 0; p < current.length; p++) {
      const holder = current[p][r];
      if (holder !== undefined && target[p].length === r && eligible(p, holder) && (count.get(holder) ?? 0) < ceiling) {
        target[p][r] = holder;
        count.set(holder, (count.get(holder) ?? 0) + 1);
        total.set(holder, (total.get(holder) ?? 0) + 1);
      }
    }
    for (let p = 0; p < current.length; p++) {
      if (target[p].length !== r) continue;
      let best: string | undefined;
      for (const m of members) {
        if (!eligible(p, m.id)) continue;
        if (best === undefined) best = m.id;
        else {
          const dc = (count.get(m.id) ?? 0) - (count.get(best) ?? 0);
          if (dc < 0 || (dc === 0 && (total.get(m.id) ?? 0) < (total.get(best) ?? 0))) best = m.id;
        }
      }
      if (best === undefined) continue;
      target[p][r] = best;
      count.set(best, (count.get(best) ?? 0) + 1);
      total.set(best, (total.get(best) ?? 0) + 1);
    }
    levelOut(target, r, members, count, eligible);
  }
  return target;
}

/**
 * Kept holders can fill their share with the wrong partitions: a joiner then owns exactly the
 * partitions still needing a backup, and cannot back up its own. Moves replica `r` from a member to
 * one holding at least two fewer, wherever the receiver may hold that partition, until none is left.
 */
function levelOut(target: string[][], r: number, members: readonly DataMember[], count: Map<string, number>, eligible: (p: number, id: string) => boolean): void {
  const held = (id: string) => count.get(id) ?? 0;
  for (let moved = true; moved; ) {
    moved = false;
    for (let p = 0; p < target.length; p++) {
      const over = target[p][r];
      if (over === undefined) continue;
      let under: string | undefined;
      for (const m of members) if (held(over) - held(m.id) >= 2 && eligible(p, m.id) && (under === undefined || held(m.id) < held(under))) under = m.id;
      if (under === undefined) continue;
      target[p][r] = under;
      count.set(over, held(over) - 1);
      count.set(under, held(under) + 1);
      moved = true;
    }
  }
}

export function sameReplicas(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
