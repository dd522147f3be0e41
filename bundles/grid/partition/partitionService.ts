import type { Logger } from 'winston';
import type { GridMember, PartitionInfo } from '../api.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { groupOf, type PartitionGroups } from './partitionGroups.js';
import { messageOf, type ReplicaParticipant } from './participants.js';
import { type Checked, expectWire, WireViolation } from '../spi/wireSchema.js';
import { isPartitionMessage, PARTITION_SERVICE, type PartitionMessage } from './partitionSchemas.js';
import { copyBarrier, copyPartition, MIGRATION_LEASE_MS } from './replicaCopy.js';
import { emptyTable, fromWire, type PartitionTable, sameReplicas, type WireTable } from './partitionTable.js';
import { masterOf, replicaSourceProblem } from './replicaSources.js';
import { ReplicaSync } from './replicaSync.js';

/** A copied-in partition is kept this long while the master has not committed it yet. */
const INCOMING_GRACE_MS = 30_000;

/**
 * This member's view of the partition table, and the member side of migrations: a source blocks a
 * partition and copies it to the new replicas; a target stores the copies. The master's planning
 * lives in `rebalancer.ts`, which calls `commit` here.
 */
export class PartitionService {
  private table: PartitionTable;
  /** Partitions this member copies away: to whom, until when they stay blocked, whether every copy is done. */
  private readonly migratingOut = new Map<number, { targets: string[]; until: number; copied: boolean }>();
  private readonly sync: ReplicaSync;
  private readonly incoming = new Map<number, number>();
  private readonly participants: ReplicaParticipant[] = [];
  /** The master whose table this member applied last (none after a reset): its tables only move forward. */
  private tableFrom: string | undefined;
  private readonly tableListeners: (() => void)[] = [];
  /** Set by the rebalancer: handles `drain` requests on the master. */
  drainHandler?: (member: string, timeoutMs: number) => Promise<string>;

  constructor(
    private readonly spi: ClusterSpi,
    readonly partitionCount: number,
    private readonly groups: PartitionGroups | undefined,
    private readonly logger: Logger,
  ) {
    this.table = emptyTable(partitionCount);
    this.sync = new ReplicaSync(spi);
    spi.handle(PARTITION_SERVICE, isPartitionMessage, (from, msg) => {
      this.expectWellFormed(msg);
      return this.onMessage(from, msg as PartitionMessage);
    });
  }

  addParticipant(p: ReplicaParticipant): void {
    this.participants.push(p);
  }

  onTableChange(listener: () => void): void {
    this.tableListeners.push(listener);
  }

  current(): PartitionTable {
    return this.table;
  }

  get localId(): string {
    return this.spi.local.id;
  }

  get localAddress(): string {
    return this.spi.local.address;
  }

  /** Members of this member's view that hold data (lite members and members outside every group do not). */
  dataMemberCount(): number {
    let n = 0;
    for (const m of this.spi.view().members) if (this.groupOf(m) !== undefined) n++;
    return n;
  }

  ownerOf(p: number): string | undefined {
    return this.table.replicas[p]?.[0];
  }

  replicasOf(p: number): readonly string[] {
    return this.table.replicas[p] ?? [];
  }

  /** The partition group of a member, undefined when it holds no data. */
  groupOf(member: GridMember): string | undefined {
    return groupOf(member, this.groups);
  }

  /** True when this member owns p, p is not being copied away right now, and no freeze put the ownership in doubt. */
  canExecute(p: number): boolean {
    if (this.table.replicas[p]?.[0] !== this.spi.local.id || this.spi.ownershipFenced()) return false;
    if (this.migratingOut.size === 0) return true;
    const m = this.migratingOut.get(p);
    if (!m) return true;
    if (m.until > Date.now()) return false;
    this.migratingOut.delete(p);
    return true;
  }

  isReplica(p: number): boolean {
    return this.table.replicas[p]?.includes(this.spi.local.id) ?? false;
  }

  partitions(): PartitionInfo[] {
    return this.table.replicas.map((r, id) => ({ id, owner: r[0], backups: r.slice(1) }));
  }

  /** Cluster safe as this member can tell: the master says so and the table matches the current members. */
  isClusterSafe(): boolean {
    if (!this.table.safe || this.migratingOut.size > 0) return false;
    const view = this.spi.view().members;
    const alive = new Set(view.map((m) => m.id));
    const inTable = new Set(this.table.replicas.flat());
    for (const id of inTable) if (!alive.has(id)) return false;
    return view.every((m) => this.groupOf(m) === undefined || inTable.has(m.id));
  }

  /** Partitions this member is copying away right now (the member's part of "a migration runs"). */
  migratingOutCount(): number {
    return this.migratingOut.size;
  }

  isMigratingOut(p: number): boolean {
    return this.migratingOut.has(p);
  }

  /** Installs a table: the master calls it for its own commits, members for each push. */
  apply(next: PartitionTable): void {
    const prev = this.table;
    this.table = next;
    const me = this.spi.local.id;
    const now = Date.now();
    this.sync.tableChanged(prev, next, me, (p) => {
      const m = this.migratingOut.get(p);
      return m !== undefined && m.copied && m.until > now && sameReplicas(next.replicas[p] ?? [], m.targets);
    });
    for (let p = 0; p < this.partitionCount; p++) {
      const was = prev.replicas[p] ?? [];
      const is = next.replicas[p] ?? [];
      const m = this.migratingOut.get(p);
      if (m && (sameReplicas(is, m.targets) || m.until <= now)) this.migratingOut.delete(p);
      if (is[0] === me && was[0] !== me && was.includes(me)) for (const part of this.participants) part.promoted(p);
      if (is.includes(me)) this.incoming.delete(p);
      else this.dropIfIdle(p, now);
    }
    for (const l of this.tableListeners) l();
  }

  /** Drops copies of partitions this member no longer holds a replica of (also strays left by late backups). */
  sweep(): void {
    const now = Date.now();
    for (let p = 0; p < this.partitionCount; p++) if (!this.isReplica(p)) this.dropIfIdle(p, now);
  }

  /** Forget every partition (before a split-brain merge): the larger cluster's table replaces ours. */
  reset(): void {
    for (let p = 0; p < this.partitionCount; p++) for (const part of this.participants) part.drop(p);
    this.migratingOut.clear();
    this.incoming.clear();
    this.sync.clear();
    this.table = emptyTable(this.partitionCount);
    this.tableFrom = undefined;
    for (const l of this.tableListeners) l();
  }

  private dropIfIdle(p: number, now: number): void {
    if (this.migratingOut.has(p)) return;
    const grace = this.incoming.get(p);
    if (grace !== undefined && grace > now) return;
    this.incoming.delete(p);
    for (const part of this.participants) part.drop(p);
  }

  /** What the schema cannot say: table indices within the member list, a replica chunk its participant's shape. */
  private expectWellFormed(msg: Checked<typeof isPartitionMessage>): void {
    if (msg.t === 'table') {
      const members = msg.w.m.length;
      if (msg.w.r.some((list) => list.some((i) => i >= members))) throw new WireViolation('partition table', `a replica index is not below ${members} (the member ids sent)`);
    } else if (msg.t === 'replica') {
      const part = this.participants.find((x) => x.name === msg.part);
      if (part) expectWire(part.chunkCheck, `${msg.part} replica chunk`, msg.c);
    }
  }

  /** Runs a message addressed to this member without the network (the master migrating its own partitions). */
  handleLocal(msg: PartitionMessage): Promise<unknown> {
    return this.onMessage(this.spi.local, msg);
  }

  private async onMessage(from: GridMember, msg: PartitionMessage): Promise<unknown> {
    switch (msg.t) {
      case 'table': {
        if (msg.w.r.length !== this.partitionCount) {
          this.logger.error(`partition table from ${from.address} has ${msg.w.r.length} partitions, this member ${this.partitionCount}: hazelcast.partition.count must be equal on every member; table ignored`);
          return undefined;
        }
        // Only this member's master (a successor once this member took its list; tables are re-sent every
        // 2 s): another master that still lists this member (a bridge) would take its partitions away.
        // Never an older one from the same master (its re-send of the current one is applied again): one
        // sent during a cut can arrive after the heal, and would drop the partitions it no longer lists.
        if (from.id !== this.masterId()) return undefined;
        if (from.id === this.tableFrom && msg.w.v < this.table.version) return undefined;
        this.tableFrom = from.id;
        this.apply(fromWire(msg.w));
        return undefined;
      }
      case 'migrate':
        this.expectFromCluster(from, msg.p, true);
        return this.migrateOut(msg.p, msg.targets);
      case 'abort':
        if (from.id === this.masterId()) this.migratingOut.delete(msg.p);
        return undefined;
      case 'replica': {
        const part = this.participants.find((x) => x.name === msg.part);
        if (!part) throw new Error(`partition ${msg.p}: unknown replica participant ${msg.part}`);
        this.expectFromCluster(from, msg.p, false);
        this.incoming.set(msg.p, Date.now() + INCOMING_GRACE_MS);
        part.restore(msg.p, msg.c, msg.f);
        return true;
      }
      case 'drain':
        if (!this.drainHandler) throw new Error(`member ${this.spi.local.id} cannot drain ${msg.member}`);
        return this.drainHandler(msg.member, msg.ms);
    }
  }

  private masterId(): string | undefined {
    return masterOf(this.spi);
  }

  private expectFromCluster(from: GridMember, p: number, order: boolean): void {
    const why = replicaSourceProblem(this.spi, (q) => this.ownerOf(q), from, p, order);
    if (why) throw new Error(`${order ? 'migration' : 'copy'} of partition ${p} from ${from.address} to ${this.spi.local.address} refused: ${why}`);
  }

  /**
   * Source side of a migration: block p, copy it to every target but this member, await their acks.
   * A target that holds a replica known to equal this member's (`ReplicaSync`) and covering its new
   * index gets no copy, only a barrier: an empty chunk behind every backup sent to it before p was
   * blocked, so its answer says they are all applied before the master commits.
   */
  private async migrateOut(p: number, targets: string[]): Promise<boolean> {
    const me = this.spi.local.id;
    const migration = { targets, until: Date.now() + MIGRATION_LEASE_MS, copied: false };
    this.migratingOut.set(p, migration);
    const exact = this.sync.exactReplicas(p);
    const held = this.table.replicas[p] ?? [];
    try {
      await Promise.all(targets.map(async (target, index) => {
        if (target === me) return;
        const heldIndex = held.indexOf(target);
        if (exact?.has(target) && heldIndex > 0 && this.participants.every((part) => part.covers(p, heldIndex, index))) {
          if (await copyBarrier(this.spi, this.participants[0]!, p, target, () => this.sync.exactReplicas(p)?.has(target) === true)) return;
        }
        await copyPartition(this.spi, this.participants, p, target, index);
      }));
      migration.copied = true;
      return true;
    } catch (err) {
      this.migratingOut.delete(p);
      throw new Error(`partition ${p}: copy from ${me} to ${targets.join(',')} failed: ${messageOf(err)}`);
    }
  }
}
