import { CallTable } from '../spi/callTable.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { retryError } from './participants.js';

const SWEEP_MS = 100;

/** A call whose backups acknowledge to this member, its caller. */
export interface AckWaiter {
  /** Acks counted so far: they may come before the owner's answer. */
  acks: number;
  /** The owner that answered: when it is lost before the acks came, its backups may lack the change. */
  owner: string | undefined;
  /** Members whose ack is still expected; unknown until the owner's answer arrives. */
  ackFrom: string[] | undefined;
  ackDeadline: number;
  /** Every expected ack came, or the wait gave up on the missing ones (their member left, or the timeout passed). */
  backedUp(): void;
  /** The owner was lost before its backups acknowledged (the operation is then run again). */
  ownerLost(err: Error): void;
}

/**
 * The caller's side of sync backups (as in Hazelcast): the owner answers at once and tells which
 * members back the change up; those members acknowledge to the caller directly, which saves the
 * owner's wait for its backups. A backup member that leaves, or an ack that does not come within
 * the timeout, no longer holds the caller up (the master re-creates missing replicas).
 */
export class BackupAcks {
  private seq = 0;
  private readonly waits = new CallTable<AckWaiter>();
  private readonly sweeper: NodeJS.Timeout;
  /** Ids of the current members, kept up to date here: `expect` checks them for every operation. */
  private alive: Set<string>;

  constructor(spi: ClusterSpi, private readonly timeoutMs: number) {
    this.alive = new Set(spi.view().members.map((m) => m.id));
    spi.onMembershipChange((change) => {
      this.alive = new Set(change.view.members.map((m) => m.id));
      const gone = new Set(change.removed.map((m) => m.id));
      for (const [id, w] of this.waits) {
        if (!w.ackFrom || !w.owner) continue;
        if (gone.has(w.owner) && w.acks < w.ackFrom.length) {
          this.waits.delete(id);
          w.ownerLost(retryError(`owner ${w.owner} was lost before its backups acknowledged`));
          continue;
        }
        w.ackFrom = w.ackFrom.filter((m) => !gone.has(m));
        this.check(id, w);
      }
    });
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [id, w] of this.waits) if (w.ackFrom && w.ackDeadline <= now) this.finish(id, w);
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  /** A new call id whose acks are counted from now on. */
  open(w: AckWaiter): number {
    const id = ++this.seq;
    w.acks = 0;
    w.ackFrom = undefined;
    this.waits.set(id, w);
    return id;
  }

  /** The call failed or needs no acks. */
  cancel(id: number): void {
    this.waits.delete(id);
  }

  acked(id: number): void {
    const w = this.waits.get(id);
    if (!w) return;
    w.acks++;
    this.check(id, w);
  }

  /**
   * Waits for the acks of call `id` from the members in `from`, announced by `owner`'s answer.
   * True when they are all in already (the call is forgotten); otherwise `backedUp` or `ownerLost`
   * follows. Throws a retry error when the owner is gone already.
   */
  expect(id: number, owner: string, from: string[]): boolean {
    const w = this.waits.get(id);
    if (!w) return true;
    const alive = this.alive;
    w.ackFrom = from.length === 1 && alive.has(from[0]) ? from : from.filter((m) => alive.has(m));
    w.owner = owner;
    if (w.acks >= w.ackFrom.length) {
      this.waits.delete(id);
      return true;
    }
    if (!alive.has(owner)) {
      this.waits.delete(id);
      throw retryError(`owner ${owner} was lost before its backups acknowledged`);
    }
    w.ackDeadline = Date.now() + this.timeoutMs;
    return false;
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const [id, w] of this.waits) {
      if (w.ackFrom) this.finish(id, w);
      else this.waits.delete(id);
    }
  }

  private check(id: number, w: AckWaiter): void {
    if (w.ackFrom && w.acks >= w.ackFrom.length) this.finish(id, w);
  }

  private finish(id: number, w: AckWaiter): void {
    this.waits.delete(id);
    w.backedUp();
  }
}
