import type { Logger } from 'winston';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf, sleep } from './participants.js';
import type { PartitionLoss } from './partitionLoss.js';
import { PARTITION_SERVICE, type PartitionMessage } from './partitionSchemas.js';
import type { PartitionService } from './partitionService.js';
import { assign, compact, type DataMember, type PartitionTable, sameReplicas, toWire } from './partitionTable.js';
import { isCopyAnswer } from './partitionSchemas.js';

/** How often the master re-sends the table, so a member that missed a push catches up. */
const REPUSH_MS = 2000;
/**
 * Pause before the pass after a failed one: short at first (a joiner refuses copies for the few ms
 * between the master admitting it and it installing the member list), doubling while passes fail.
 */
const RETRY_FIRST_MS = 10;
const RETRY_MAX_MS = 200;
/** The master gives up draining a member after this long (the member's own wait is shorter). */
const DRAIN_LIMIT_MS = 120_000;

export interface RebalancerOptions {
  /** Owner plus the largest backupCount + asyncBackupCount of any map. */
  replicaCount: number;
  parallelism: number;
  migrationTimeoutMs: number;
}

/**
 * The master's part: after every membership change it promotes backups of lost members at once,
 * then migrates partitions towards a balanced table, a few at a time, committing each one.
 */
export class Rebalancer {
  private running = false;
  private rerun = false;
  private stopped = false;
  private readonly draining = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private warnedGroups = '';
  /** Partitions of the running pass still to migrate (none when no pass runs). */
  private readonly moving = new Set<number>();

  constructor(
    private readonly spi: ClusterSpi,
    private readonly partitions: PartitionService,
    private readonly options: RebalancerOptions,
    private readonly loss: PartitionLoss,
    private readonly logger: Logger,
  ) {
    partitions.drainHandler = (member, timeoutMs) => this.drain(member, timeoutMs);
    spi.onClusterState(() => this.trigger());
    spi.onMembershipChange((change) => {
      for (const m of change.removed) this.draining.delete(m.id);
      this.trigger();
    });
    this.timer = setInterval(() => {
      if (this.spi.isMaster() && this.partitions.current().version > 0) this.push(this.partitions.current());
    }, REPUSH_MS);
    this.timer.unref();
    this.trigger();
  }

  /** The master's part of "a migration runs", for refusing a cluster state change meanwhile. */
  migrationsPlanned(): number {
    return this.moving.size;
  }

  /** The partitions of the running pass still to migrate or migrating now. */
  migrationsPending(): ReadonlySet<number> {
    return this.moving;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Starts a rebalance on the master; a running one runs again when it is done. */
  trigger(): void {
    if (!this.spi.isMaster() || this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    let pause = RETRY_FIRST_MS;
    try {
      do {
        this.rerun = false;
        const ok = await this.rebalanceOnce().catch((err) => {
          this.logger.warn(`partition rebalance failed: ${messageOf(err)}`);
          return false;
        });
        if (!ok) {
          this.rerun = true;
          await sleep(pause);
          pause = Math.min(2 * pause, RETRY_MAX_MS);
        } else {
          pause = RETRY_FIRST_MS;
        }
      } while (this.rerun && this.spi.isMaster() && !this.stopped);
    } finally {
      this.running = false;
    }
    if (this.spi.isMaster() && !this.stopped) this.commit(this.partitions.current().replicas);
  }

  private dataMembers(): DataMember[] {
    const out: DataMember[] = [];
    for (const m of this.spi.view().members) {
      const group = this.partitions.groupOf(m);
      if (group !== undefined && !this.draining.has(m.id)) out.push({ id: m.id, group });
    }
    return out;
  }

  /** One pass; false when a migration failed (the loop then tries again). */
  private async rebalanceOnce(): Promise<boolean> {
    const members = this.dataMembers();
    const alive = new Set(this.spi.view().members.map((m) => m.id));
    const holders = new Set([...members.map((m) => m.id), ...[...this.draining].filter((id) => alive.has(id))]);
    // FROZEN and PASSIVE keep the table as it is: no promotion, no migration.
    if (!this.spi.promotionAllowed()) return true;
    const before = this.partitions.current().replicas;
    const kept = (id: string) => holders.has(id);
    const current = compact(before, kept);
    if (current.some((r, p) => !sameReplicas(r, before[p]))) {
      this.loss.check(before, kept);
      this.commit(current);
    }
    this.warnAboutGroups(members);
    // NO_MIGRATION: backups of lost members were promoted above; a new member gets nothing until ACTIVE.
    if (!this.spi.migrationAllowed()) return true;
    const target = assign(current, members, this.options.replicaCount);
    const moves: number[] = [];
    for (let p = 0; p < current.length; p++) {
      if (!sameReplicas(current[p], target[p]) && target[p].length > 0) moves.push(p);
    }
    if (moves.length > 0) this.logger.info(`migrating ${moves.length} partitions over ${members.length} data members`);
    for (const p of moves) this.moving.add(p);
    let failed = 0;
    const worker = async () => {
      for (let p = moves.shift(); p !== undefined; p = moves.shift()) {
        if (!this.spi.isMaster() || this.stopped || this.rerun || !this.spi.migrationAllowed()) return;
        const source = current[p][0];
        try {
          if (source !== undefined) {
            const msg: PartitionMessage = { t: 'migrate', p, targets: target[p] };
            if (source === this.spi.local.id) await this.partitions.handleLocal(msg);
            else await this.spi.request(source, PARTITION_SERVICE, msg, isCopyAnswer, this.options.migrationTimeoutMs);
          }
          current[p] = target[p];
          this.moving.delete(p);
          this.commitOne(p, target[p]);
        } catch (err) {
          failed++;
          this.moving.delete(p);
          this.logger.debug(`migration of partition ${p} failed: ${messageOf(err)}`);
          if (source !== undefined && source !== this.spi.local.id) this.spi.send(source, PARTITION_SERVICE, { t: 'abort', p });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, this.options.parallelism) }, worker));
    } finally {
      this.moving.clear();
    }
    return failed === 0;
  }

  private warnAboutGroups(members: DataMember[]): void {
    const groups = new Set(members.map((m) => m.group)).size;
    const key = `${groups}/${this.options.replicaCount}`;
    if (members.length > 1 && this.options.replicaCount > groups && this.warnedGroups !== key) {
      this.warnedGroups = key;
      this.logger.warn(`backupCount + asyncBackupCount + 1 = ${this.options.replicaCount} exceeds the ${groups} partition groups holding data: some backups cannot be placed`);
    }
  }

  private commitOne(p: number, replicas: string[]): void {
    const next = [...this.partitions.current().replicas];
    next[p] = replicas;
    this.commit(next);
  }

  /** Versions and installs a table here, then sends it to every other member. */
  private commit(replicas: readonly (readonly string[])[]): void {
    const prev = this.partitions.current();
    const wanted = Math.min(this.options.replicaCount, new Set(this.dataMembers().map((m) => m.group)).size);
    const safe = !this.running && this.draining.size === 0 && replicas.every((r) => r.length === wanted);
    const table: PartitionTable = { version: prev.version + 1, replicas, safe };
    if (safe) this.loss.settled();
    this.partitions.apply(table);
    this.push(table);
  }

  private push(table: PartitionTable): void {
    const wire = toWire(table);
    for (const m of this.spi.view().members) {
      if (m.id !== this.spi.local.id) this.spi.send(m.id, PARTITION_SERVICE, { t: 'table', w: wire } satisfies PartitionMessage);
    }
  }

  /**
   * Master side of a graceful leave: move every replica off `member`. `done` when it holds none,
   * `nobody` when no other data member could take them (everyone is leaving), `timeout` otherwise.
   */
  private async drain(member: string, timeoutMs: number): Promise<DrainResult> {
    if (!this.spi.isMaster()) throw new Error(`member ${this.spi.local.id} is not the master; cannot drain ${member}`);
    // NO_MIGRATION, FROZEN, PASSIVE: nothing moves, the member leaves with its replicas (backups stay elsewhere).
    if (!this.spi.migrationAllowed()) return 'frozen';
    this.draining.add(member);
    this.trigger();
    const holds = () => this.partitions.current().replicas.some((r) => r.includes(member));
    const deadline = Date.now() + Math.min(timeoutMs, DRAIN_LIMIT_MS);
    while (holds() && !this.stopped && this.spi.isMaster() && Date.now() < deadline) {
      if (this.dataMembers().length === 0) return 'nobody';
      if (!this.running) this.trigger();
      await sleep(20);
    }
    return holds() ? 'timeout' : 'done';
  }
}

export type DrainResult = 'done' | 'nobody' | 'timeout' | 'frozen';
