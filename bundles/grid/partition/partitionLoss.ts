import Type from 'typebox';
import type { Logger } from 'winston';
import type { PartitionLossStats, PartitionLostEvent, PartitionLostListener } from '../api.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageCheck, WireLimits } from '../spi/wireSchema.js';
import { messageOf } from './participants.js';
import { partitionOf } from './partitionTable.js';

/** The master tells every member of a loss on this service (payload: `PartitionLostEvent`). */
export const PARTITION_LOST_SERVICE = 'grid.partitionLost';
/** Departed members remembered for naming them in a loss (ids in the table, addresses in the log). */
const DEPARTED_KEPT = 256;
/** Events remembered to ignore a repeat (a new master re-reporting what the old one sent). */
const SEEN_KEPT = 1024;

/** What the master knows of the structures that may hold data, and how many backups each has. */
export interface LossCatalog {
  /** Map names known on this member with their backupCount + asyncBackupCount. */
  maps(): { name: string; backups: number }[];
  topics(): string[];
  partitionCount: number;
}

/** Replicas a topic ring has besides its owner (one sync backup, see topicRing.ts). */
const TOPIC_BACKUPS = 1;

/**
 * Partition loss as an event: the master compares the table before and after dropping members that
 * left, logs an ERROR per loss, counts it and sends it to every member, whose listeners all fire.
 */
export class PartitionLoss {
  private readonly listeners = new Set<PartitionLostListener>();
  private readonly departed = new Map<string, string>();
  private readonly seen = new Set<string>();
  private partitionsLost = 0;
  private lastLossTime: number | undefined;
  private readonly lost = new Set<number>();
  /** Per partition, the members dropped from it since the table was last complete: a loss names them all. */
  private readonly dropped = new Map<number, Set<string>>();

  constructor(
    private readonly spi: ClusterSpi,
    private readonly catalog: LossCatalog,
    private readonly logger: Logger,
  ) {
    spi.onMembershipChange((change) => {
      for (const m of change.removed) this.departed.set(m.id, m.address);
      while (this.departed.size > DEPARTED_KEPT) this.departed.delete(this.departed.keys().next().value!);
    });
    spi.handle(PARTITION_LOST_SERVICE, isPartitionLostEvent, (_from, event) => this.record(event, false));
  }

  onLost(listener: PartitionLostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): PartitionLossStats {
    return {
      partitionsLost: this.partitionsLost,
      ...(this.lastLossTime !== undefined ? { lastLossTime: this.lastLossTime } : {}),
      lostPartitions: [...this.lost].sort((a, b) => a - b),
    };
  }

  /**
   * Master: `before` is the table before the members that left were dropped, `kept` says whether a
   * member still holds its replicas. A structure with b backups lost partition p when none of
   * p's first 1 + b replicas (or of all, when the table has fewer) is kept: its data lived only there.
   */
  check(before: readonly (readonly string[])[], kept: (id: string) => boolean): void {
    const firstKept = before.map((r) => {
      const i = r.findIndex(kept);
      return i < 0 ? r.length : i;
    });
    // Lost when none of the replicas a structure writes to (owner and its first `backups`) is kept.
    const lostFor = (backups: number) => firstKept.flatMap((k, p) => (before[p].length > 0 && k >= Math.min(before[p].length, backups + 1) ? [p] : []));
    const maps = this.catalog.maps().map((m) => ({ name: m.name, partitions: lostFor(m.backups) })).filter((m) => m.partitions.length > 0);
    const ringLost = new Set(lostFor(TOPIC_BACKUPS));
    const topics = this.catalog.topics()
      .map((name) => ({ name, partitions: [partitionOf(name, this.catalog.partitionCount)] }))
      .filter((t) => ringLost.has(t.partitions[0]));
    // A partition every replica of which is gone lost whatever it held, known to this member or not.
    const all = new Set([...lostFor(Number.MAX_SAFE_INTEGER), ...maps.flatMap((m) => m.partitions), ...topics.map((t) => t.partitions[0]!)]);
    before.forEach((r, p) => {
      for (const id of r) {
        if (kept(id)) continue;
        let set = this.dropped.get(p);
        if (!set) this.dropped.set(p, (set = new Set()));
        set.add(id);
      }
    });
    if (all.size === 0) return;
    const gone = new Set<string>();
    for (const p of all) for (const id of this.dropped.get(p) ?? []) gone.add(id);
    const event: PartitionLostEvent = {
      partitions: [...all].sort((a, b) => a - b),
      maps,
      topics,
      lostMembers: [...gone].map((id) => this.departed.get(id) ?? id),
      detectedBy: this.spi.local.address,
      time: Date.now(),
    };
    this.record(event, true);
    for (const m of this.spi.view().members) {
      if (m.id !== this.spi.local.id) this.spi.send(m.id, PARTITION_LOST_SERVICE, event);
    }
  }

  /** The master committed a complete table (every replica in place): earlier departures no longer matter. */
  settled(): void {
    this.dropped.clear();
  }

  private record(event: PartitionLostEvent, detectedHere: boolean): void {
    const key = `${event.detectedBy}/${event.time}/${event.partitions.join(',')}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > SEEN_KEPT) this.seen.delete(this.seen.values().next().value!);
    this.partitionsLost += event.partitions.length;
    this.lastLossTime = event.time;
    for (const p of event.partitions) this.lost.add(p);
    const text = describe(event);
    if (detectedHere) this.logger.error(`partition loss: ${text}`);
    else this.logger.warn(`partition loss reported by master ${event.detectedBy}: ${text}`);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.warn(`partition-lost listener failed: ${messageOf(err)}`);
      }
    }
  }
}

function describe(e: PartitionLostEvent): string {
  const structures = [
    ...e.maps.map((m) => `map ${m.name} (${m.partitions.length} partitions)`),
    ...e.topics.map((t) => `topic ${t.name}`),
  ];
  return `${e.partitions.length} partitions lost their data with member(s) ${e.lostMembers.join(', ')} `
    + `(more members lost at once than backups): ${structures.length > 0 ? structures.join(', ') : 'no map or topic known here'}; `
    + `partitions ${e.partitions.join(',')}`;
}

const Partitions = Type.Array(Type.Integer({ minimum: 0, maximum: 1_000_000 }), { maxItems: 1_000_000 });
const Structure = Type.Object({ name: Type.String({ maxLength: WireLimits.NAME }), partitions: Partitions });

/** The loss as the master sends it; checked before any field is used. */
export const isPartitionLostEvent = messageCheck(PARTITION_LOST_SERVICE, Type.Object({
  partitions: Partitions,
  maps: Type.Array(Structure, { maxItems: 100_000 }),
  topics: Type.Array(Structure, { maxItems: 100_000 }),
  lostMembers: Type.Array(Type.String({ maxLength: WireLimits.ADDRESS }), { maxItems: WireLimits.MEMBERS }),
  detectedBy: Type.String({ maxLength: WireLimits.ADDRESS }),
  time: Type.Number(),
}));
