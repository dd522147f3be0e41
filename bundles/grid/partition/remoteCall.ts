import type { WireCheck } from '../spi/wireSchema.js';
import type { AckWaiter, BackupAcks } from './backupAcks.js';
import type { Waiting } from './batcher.js';

/** What happens when an attempt fails: the operation is retried, or the caller's promise rejected. */
export type CallFailure = (call: RemoteCall, err: unknown) => void;

/**
 * One attempt of an operation at its partition's remote owner. The same object is the batch entry
 * and the backup-ack wait, and it settles the caller's promise: a remote operation costs one
 * promise and one object besides its batch item.
 */
export class RemoteCall implements Waiting, AckWaiter {
  /** Batch item and attempt timeout, set when sent. */
  item: unknown;
  timeoutMs = 0;
  id = 0;
  acks = 0;
  owner: string | undefined;
  ackFrom: string[] | undefined;
  ackDeadline = Number.POSITIVE_INFINITY;
  private value: unknown;

  constructor(
    private readonly ackWaits: BackupAcks,
    readonly service: string,
    readonly p: number,
    readonly op: unknown,
    readonly deadline: number,
    readonly operationTimeoutMs: number,
    readonly settle: (value: unknown) => void,
    readonly rejectCaller: (err: Error) => void,
    private readonly failed: CallFailure,
    /** The schema of the owner's value for this operation. */
    private readonly answer: WireCheck<unknown>,
  ) {}

  /** The owner's answer (its shape checked with the batch): the value, and the members whose acks come before it counts. */
  resolve(answer: unknown): void {
    const [value, ackFrom] = answer as [unknown, string[]];
    if (!this.answer(value)) {
      this.ackWaits.cancel(this.id);
      this.rejectCaller(new Error(`${this.service} operation on partition ${this.p}: malformed answer from member ${this.owner}: ${this.answer.explain(value)}`));
      return;
    }
    if (ackFrom.length === 0) {
      this.ackWaits.cancel(this.id);
      this.settle(value);
      return;
    }
    this.value = value;
    let complete: boolean;
    try {
      complete = this.ackWaits.expect(this.id, this.owner!, ackFrom);
    } catch (err) {
      this.failed(this, err);
      return;
    }
    if (complete) this.settle(value);
  }

  reject(err: Error): void {
    this.ackWaits.cancel(this.id);
    this.failed(this, err);
  }

  backedUp(): void {
    this.settle(this.value);
  }

  ownerLost(err: Error): void {
    this.failed(this, err);
  }
}
