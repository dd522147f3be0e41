import type { ClusterSpi } from '../spi/clusterSpi.js';
import { answerBatch, Batcher } from './batcher.js';
import { messageOf, RETRY, retryError, sleep } from './participants.js';
import type { PartitionService } from './partitionService.js';

const OPS_SERVICE = 'grid.ops';
const OP_ALL_SERVICE = 'grid.opAll';
const BACKUPS_SERVICE = 'grid.backups';
const ASYNC_BACKUPS_SERVICE = 'grid.asyncBackups';

/** Owner-side handling of one service's operations (maps, topics). */
export interface PartitionExecutor {
  /** Runs on the owner; throws a RETRY error when the partition is not (or no longer) owned here. */
  execute(p: number, op: unknown, caller: string): unknown;
  /** Applies a backup the owner sent. */
  applyBackup(p: number, op: unknown): void;
}

/**
 * Routes operations to partition owners: locally without serialization, otherwise by request;
 * retries on a stale table, a migration or a lost member until the operation deadline.
 */
export class Invoker {
  private readonly executors = new Map<string, PartitionExecutor>();
  private readonly ops: Batcher;
  private readonly backups: Batcher;

  constructor(
    private readonly spi: ClusterSpi,
    private readonly partitions: PartitionService,
    private readonly timeoutMs: number,
  ) {
    this.ops = new Batcher(spi, OPS_SERVICE, OPS_SERVICE);
    this.backups = new Batcher(spi, BACKUPS_SERVICE, ASYNC_BACKUPS_SERVICE);
    spi.handle(OPS_SERVICE, (from, payload) => answerBatch(payload as unknown[], (item) => {
      const [service, p, op] = item as [string, number, unknown];
      return this.executeHere(service, p, op, from.id);
    }));
    spi.handle(OP_ALL_SERVICE, async (from, payload) => {
      const [service, ps, op] = payload as [string, number[], unknown];
      return this.executeMany(service, ps, op, from.id);
    });
    spi.handle(BACKUPS_SERVICE, (_from, payload) => {
      for (const item of payload as [string, number, unknown][]) this.executor(item[0]).applyBackup(item[1], item[2]);
      return (payload as unknown[]).map(() => [1, true]);
    });
    spi.handle(ASYNC_BACKUPS_SERVICE, (_from, payload) => {
      for (const item of payload as [string, number, unknown][]) this.executor(item[0]).applyBackup(item[1], item[2]);
    });
  }

  register(service: string, executor: PartitionExecutor): void {
    this.executors.set(service, executor);
  }

  private executor(service: string): PartitionExecutor {
    const e = this.executors.get(service);
    if (!e) throw new Error(`no executor for ${service} on member ${this.spi.local.id}`);
    return e;
  }

  private executeHere(service: string, p: number, op: unknown, caller: string): unknown {
    if (!this.partitions.canExecute(p)) {
      throw retryError(`partition ${p} is not owned by ${this.spi.local.id} or is migrating`);
    }
    return this.executor(service).execute(p, op, caller);
  }

  private async executeMany(service: string, ps: number[], op: unknown, caller: string): Promise<[number, unknown][]> {
    const done: [number, unknown][] = [];
    for (const p of ps) if (this.partitions.canExecute(p)) done.push([p, await this.executor(service).execute(p, op, caller)]);
    return done;
  }

  /** One operation on partition p's owner. */
  async invoke<R>(service: string, p: number, op: unknown, timeoutMs = this.timeoutMs): Promise<R> {
    const me = this.spi.local.id;
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no owner known yet';
    for (let attempt = 0; ; attempt++) {
      const owner = this.partitions.ownerOf(p);
      if (owner === me) {
        if (this.partitions.canExecute(p)) return (await this.executor(service).execute(p, op, me)) as R;
        lastError = `partition ${p} is migrating`;
      } else if (owner !== undefined) {
        try {
          return await this.ops.request<R>(owner, [service, p, op], this.attemptTimeout(deadline));
        } catch (err) {
          lastError = messageOf(err);
          if (!isRetryable(lastError)) throw err;
        }
      }
      if (Date.now() >= deadline) throw this.deadlineError(service, `partition ${p}`, lastError, timeoutMs);
      await sleep(Math.min(2 ** attempt, 100));
    }
  }

  /** The same operation on every partition's owner, one request per owner; results by partition. */
  async invokeAll<R>(service: string, op: unknown): Promise<R[]> {
    const me = this.spi.local.id;
    const results: R[] = new Array(this.partitions.partitionCount);
    let pending = Array.from({ length: this.partitions.partitionCount }, (_, p) => p);
    const deadline = Date.now() + this.timeoutMs;
    let lastError = 'no owner known yet';
    for (let attempt = 0; pending.length > 0; attempt++) {
      const byOwner = new Map<string, number[]>();
      for (const p of pending) {
        const owner = this.partitions.ownerOf(p);
        if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), p]);
      }
      const done = new Set<number>();
      await Promise.all([...byOwner].map(async ([owner, ps]) => {
        try {
          const got = owner === me
            ? await this.executeMany(service, ps, op, me)
            : await this.spi.request<[number, R][]>(owner, OP_ALL_SERVICE, [service, ps, op], this.attemptTimeout(deadline));
          for (const [p, r] of got as [number, R][]) {
            results[p] = r;
            done.add(p);
          }
        } catch (err) {
          lastError = messageOf(err);
        }
      }));
      pending = pending.filter((p) => !done.has(p));
      if (pending.length === 0) break;
      if (Date.now() >= deadline) throw this.deadlineError(service, `${pending.length} partitions`, lastError, this.timeoutMs);
      await sleep(Math.min(2 ** attempt, 100));
    }
    return results;
  }

  /** One attempt may take half the operation's time (at least 2.5 s), so a lost request leaves time to retry. */
  private attemptTimeout(deadline: number): number {
    return Math.max(1, Math.min(deadline - Date.now(), Math.max(2500, this.timeoutMs / 2)));
  }

  /**
   * Sends a backup to the replicas after the owner: the first `sync` are awaited, the next `async` not.
   * A backup that fails is not the caller's error: the master re-creates missing replicas.
   */
  async backup(service: string, p: number, op: unknown, sync: number, async: number): Promise<void> {
    const replicas = this.partitions.replicasOf(p);
    const item = [service, p, op];
    for (let i = 1 + sync; i < Math.min(replicas.length, 1 + sync + async); i++) this.backups.send(replicas[i], item);
    const acks: Promise<unknown>[] = [];
    for (let i = 1; i < Math.min(replicas.length, 1 + sync); i++) {
      acks.push(this.backups.request(replicas[i], item, this.timeoutMs).catch(() => undefined));
    }
    if (acks.length === 1) await acks[0];
    else if (acks.length > 1) await Promise.all(acks);
  }

  private deadlineError(service: string, what: string, lastError: string, timeoutMs: number): Error {
    return new Error(`${service} operation on ${what} did not complete within ${timeoutMs} ms on member ${this.spi.local.id} (cluster still forming or partitions migrating?): ${lastError.replace(RETRY, '').trim()}`);
  }
}

/** Handler errors of the operations themselves are final; routing and membership errors are retried. */
function isRetryable(message: string): boolean {
  return !message.includes(FINAL);
}

/** Marks an error the owner raised on purpose (bad input): never retried. */
export const FINAL = '[final]';
