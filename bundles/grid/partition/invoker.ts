import type { ClusterSpi } from '../spi/clusterSpi.js';
import { BackupAcks } from './backupAcks.js';
import { answerBatch, Batcher } from './batcher.js';
import { LocalRun } from './localRun.js';
import type { PartitionExecutor } from './partitionExecutor.js';
import { messageOf, RETRY, retryError, sleep } from './participants.js';
import { RetryPause } from './retryPause.js';
import type { PartitionService } from './partitionService.js';
import { type CallFailure, RemoteCall } from './remoteCall.js';
import { expectWire, type WireCheck, WireViolation } from '../spi/wireSchema.js';
import {
  isAckBatch, isAsyncBackupBatch, isBackupBatch, isBackupBatchAnswer, isOpAll, isOpAllAnswer, isOpBatch, isOpBatchAnswer,
} from './partitionSchemas.js';

const OPS_SERVICE = 'grid.ops';
const OP_ALL_SERVICE = 'grid.opAll';
const BACKUPS_SERVICE = 'grid.backups';
const ASYNC_BACKUPS_SERVICE = 'grid.asyncBackups';
const ACKS_SERVICE = 'grid.backupAcks';
/** A backup's outcome: failures are not the caller's (the master re-creates missing replicas). */
const ignore = (): void => undefined;
/** An attempt inside the retry loop just fails: the loop decides what comes next. */
const rejectCall: CallFailure = (call, err) => call.rejectCaller(err instanceof Error ? err : new Error(String(err)));
/** Hazelcast's default backup ack timeout: a caller waits at most this long for a missing ack. */
const BACKUP_ACK_TIMEOUT_MS = 5000;

/** The remote caller of the operation being executed, whose backups ack to it directly. */
interface CallContext {
  caller: string;
  callId: number;
  acks: string[];
}

/**
 * Routes operations to partition owners: locally without serialization, otherwise by request;
 * retries on a stale table, a migration or a lost member until the operation deadline.
 */
export class Invoker {
  private readonly executors = new Map<string, PartitionExecutor>();
  private readonly ops: Batcher;
  private readonly backups: Batcher;
  private readonly acksOut: Batcher;
  private readonly acks: BackupAcks;
  private readonly pause: RetryPause;
  private context: CallContext | undefined;
  /** The operation this member runs as owner for a local caller: its sync backups answer to it. */
  private localRun: LocalRun | undefined;
  private lastService = '';
  private lastExecutor: PartitionExecutor | undefined;

  constructor(
    private readonly spi: ClusterSpi,
    private readonly partitions: PartitionService,
    private readonly timeoutMs: number,
  ) {
    this.ops = new Batcher(spi, OPS_SERVICE, OPS_SERVICE, isOpBatchAnswer);
    this.backups = new Batcher(spi, BACKUPS_SERVICE, ASYNC_BACKUPS_SERVICE, isBackupBatchAnswer);
    this.acksOut = new Batcher(spi, ACKS_SERVICE, ACKS_SERVICE, isBackupBatchAnswer);
    this.acks = new BackupAcks(spi, Math.min(BACKUP_ACK_TIMEOUT_MS, timeoutMs));
    this.pause = new RetryPause(partitions);
    spi.handle(OPS_SERVICE, isOpBatch, (from, items) => {
      for (const item of items) this.expect(item[0], 'operation', item[2]);
      return answerBatch(items, (item) => {
        const ctx: CallContext = { caller: from.id, callId: item[3], acks: [] };
        this.context = ctx;
        try {
          const r = this.executeHere(item[0], item[1], item[2]);
          return r instanceof Promise ? r.then((v) => [v, ctx.acks]) : [r, ctx.acks];
        } finally {
          this.context = undefined;
        }
      });
    });
    spi.handle(OP_ALL_SERVICE, isOpAll, (_from, [service, ps, op]) => {
      this.expect(service, 'operation', op);
      return this.executeMany(service, ps, op);
    });
    spi.handle(BACKUPS_SERVICE, isBackupBatch, (_from, items) => {
      for (const item of items) this.expect(item[0], 'backup', item[2]);
      for (const item of items) this.executor(item[0]).applyBackup(item[1], item[2]);
      return items.map(() => [1, true]);
    });
    spi.handle(ASYNC_BACKUPS_SERVICE, isAsyncBackupBatch, (_from, items) => {
      for (const item of items) this.expect(item[0], 'backup', item[2]);
      const me = spi.local.id;
      for (const [service, p, op, caller, callId] of items) {
        this.executor(service).applyBackup(p, op);
        if (caller === undefined) continue;
        // The caller is this member (it backs up its own write): count the ack here, no message to itself.
        if (caller === me) this.acks.acked(callId!);
        else this.acksOut.send(caller, callId);
      }
    });
    spi.handle(ACKS_SERVICE, isAckBatch, (_from, ids) => {
      for (const id of ids) this.acks.acked(id);
    });
  }

  stop(): void {
    this.acks.stop();
  }

  register(service: string, executor: PartitionExecutor): void {
    this.executors.set(service, executor);
  }

  /** An operation or backup from a peer must match its service's schema, or the peer's connection goes. */
  private expect(service: string, what: 'operation' | 'backup', op: unknown): void {
    const e = this.executors.get(service);
    if (!e) throw new WireViolation(what, `no service "${service}"`);
    expectWire(what === 'operation' ? e.opCheck : e.backupCheck, `${service} ${what}`, op);
  }

  private executor(service: string): PartitionExecutor {
    // Nearly every operation is for the same service as the one before: no lookup then.
    if (service === this.lastService) return this.lastExecutor!;
    const e = this.executors.get(service);
    if (!e) throw new Error(`no executor for ${service} on member ${this.spi.local.id}`);
    this.lastService = service;
    this.lastExecutor = e;
    return e;
  }

  private executeHere(service: string, p: number, op: unknown): unknown {
    if (!this.partitions.canExecute(p)) {
      throw retryError(`partition ${p} is not owned by ${this.spi.local.id} or is migrating (or its ownership is fenced after a freeze)`);
    }
    return this.executor(service).execute(p, op);
  }

  private async executeMany(service: string, ps: number[], op: unknown): Promise<[number, unknown][]> {
    const done: [number, unknown][] = [];
    for (const p of ps) if (this.partitions.canExecute(p)) done.push([p, await this.executor(service).execute(p, op)]);
    return done;
  }

  /**
   * One operation on partition p's owner. A remote owner gets it in this turn's batch without the
   * retry loop's async frame (its one promise settles when the answer and the backup acks are in);
   * a failed attempt, a local owner or an unknown one go through the loop.
   */
  invoke<R>(service: string, p: number, op: unknown, timeoutMs = this.timeoutMs): Promise<R> {
    const deadline = Date.now() + timeoutMs;
    const owner = this.partitions.ownerOf(p);
    if (owner === this.spi.local.id && this.partitions.canExecute(p)) return this.runLocal(service, p, op) as Promise<R>;
    if (owner === undefined || owner === this.spi.local.id) return this.invokeLoop<R>(service, p, op, deadline, timeoutMs, 0, 'no owner known yet');
    return this.callRemote<R>(service, p, op, deadline, timeoutMs, owner, this.retryCall);
  }

  /** Attempts from `attempt` on (the first without waiting), until one succeeds or the deadline passes. */
  private async invokeLoop<R>(service: string, p: number, op: unknown, deadline: number, timeoutMs: number, attempt: number, lastError: string): Promise<R> {
    const me = this.spi.local.id;
    for (; ; attempt++) {
      if (attempt > 0) {
        if (Date.now() >= deadline) throw this.deadlineError(service, `partition ${p}`, lastError, timeoutMs);
        // A new table (a migration committed, an owner promoted) is worth a prompt attempt: the backoff starts again.
        if (await this.pause.before(attempt)) attempt = 1;
      }
      const owner = this.partitions.ownerOf(p);
      if (owner === me) {
        if (this.partitions.canExecute(p)) return (await this.runLocal(service, p, op)) as R;
        lastError = `partition ${p} is migrating, or this member's ownership is fenced after a freeze`;
      } else if (owner !== undefined) {
        try {
          return await this.callRemote<R>(service, p, op, deadline, timeoutMs, owner, rejectCall);
        } catch (err) {
          lastError = messageOf(err);
        }
      }
    }
  }

  /** Runs an operation on a partition owned here; its sync backups answer to one LocalRun. */
  private runLocal(service: string, p: number, op: unknown): Promise<unknown> {
    const run = new LocalRun();
    // A listener called during the operation may run operations of its own: their backups are theirs.
    const outerRun = this.localRun;
    const outerContext = this.context;
    this.localRun = run;
    this.context = undefined;
    let r: unknown;
    try {
      r = this.executor(service).execute(p, op);
    } catch (err) {
      return Promise.reject(err);
    } finally {
      this.localRun = outerRun;
      this.context = outerContext;
    }
    return r instanceof Promise ? r.then((v) => run.result(v)) : run.result(r);
  }

  /** One attempt at a remote owner, in this turn's batch; `failed` decides what a failure leads to. */
  private callRemote<R>(service: string, p: number, op: unknown, deadline: number, timeoutMs: number, owner: string, failed: CallFailure): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const call = new RemoteCall(this.acks, service, p, op, deadline, timeoutMs, resolve as (v: unknown) => void, reject, failed, this.executor(service).answerCheck(op));
      call.owner = owner;
      call.id = this.acks.open(call);
      call.item = [service, p, op, call.id];
      call.timeoutMs = this.attemptTimeout(deadline);
      this.ops.enqueue(owner, call);
    });
  }

  /** A failed first attempt continues in the retry loop, which settles the caller's promise. */
  private readonly retryCall: CallFailure = (call, err) => {
    this.invokeLoop(call.service, call.p, call.op, call.deadline, call.operationTimeoutMs, 1, messageOf(err)).then(call.settle, call.rejectCaller);
  };

  /** The same operation on every partition's owner, one request per owner; results by partition. */
  async invokeAll<R>(service: string, op: unknown): Promise<R[]> {
    const me = this.spi.local.id;
    const results: R[] = new Array(this.partitions.partitionCount);
    let pending = Array.from({ length: this.partitions.partitionCount }, (_, p) => p);
    const deadline = Date.now() + this.timeoutMs;
    let lastError = 'no owner known yet';
    const answer = this.executor(service).answerCheck(op);
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
            ? await this.executeMany(service, ps, op)
            : await this.spi.request(owner, OP_ALL_SERVICE, [service, ps, op], isOpAllAnswer, this.attemptTimeout(deadline));
          for (const [p, r] of got) {
            if (!answer(r)) throw new Error(`malformed ${service} answer from member ${owner} for partition ${p}: ${answer.explain(r)}`);
            results[p] = r as R;
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
   * Sends a backup to the replicas after the owner: the first `sync` are acknowledged (to a remote
   * caller directly, otherwise here), the next `async` are not. A backup that fails is not the
   * caller's error: the master re-creates missing replicas.
   */
  backup(service: string, p: number, op: unknown, sync: number, async: number): Promise<void> {
    return this.backupNow(service, p, op, sync, async) ?? Promise.resolve();
  }

  /** As `backup`, but undefined when there is nothing to wait for, so an owner can answer without a promise. */
  backupNow(service: string, p: number, op: unknown, sync: number, async: number): Promise<void> | undefined {
    const replicas = this.partitions.replicasOf(p);
    const syncEnd = Math.min(replicas.length, 1 + sync);
    const asyncEnd = Math.min(replicas.length, 1 + sync + async);
    for (let i = syncEnd; i < asyncEnd; i++) this.backups.send(replicas[i], [service, p, op]);
    const ctx = this.context;
    if (ctx) {
      for (let i = 1; i < syncEnd; i++) {
        this.backups.send(replicas[i], [service, p, op, ctx.caller, ctx.callId]);
        ctx.acks.push(replicas[i]);
      }
      return undefined;
    }
    if (syncEnd === 1) return undefined;
    const run = this.localRun;
    if (run) {
      const item = [service, p, op];
      for (let i = 1; i < syncEnd; i++) this.backups.enqueue(replicas[i], run.backup(item, this.timeoutMs));
      return undefined;
    }
    const acks: Promise<unknown>[] = [];
    for (let i = 1; i < syncEnd; i++) acks.push(this.backups.request(replicas[i], [service, p, op], this.timeoutMs).catch(ignore));
    return Promise.all(acks).then(ignore);
  }

  private deadlineError(service: string, what: string, lastError: string, timeoutMs: number): Error {
    return new Error(`${service} operation on ${what} did not complete within ${timeoutMs} ms on member ${this.spi.local.id} (cluster still forming or partitions migrating?): ${lastError.replace(RETRY, '').trim()}`);
  }
}
