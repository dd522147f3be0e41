import type { ClusterSpi } from '../spi/clusterSpi.js';
import { retryError } from './participants.js';

const SWEEP_MS = 100;

interface Wait {
  got: number;
  /** The owner that answered: when it is lost before the acks came, its backups may lack the change. */
  owner?: string;
  /** Members whose ack is still expected; unknown until the owner's answer arrives. */
  from?: string[];
  deadline: number;
  resolve?: () => void;
  reject?: (err: Error) => void;
}

/**
 * The caller's side of sync backups (as in Hazelcast): the owner answers at once and tells which
 * members back the change up; those members acknowledge to the caller directly, which saves the
 * owner's wait for its backups. A backup member that leaves, or an ack that does not come within
 * the timeout, no longer holds the caller up (the master re-creates missing replicas).
 */
export class BackupAcks {
  private seq = 0;
  private readonly waits = new Map<number, Wait>();
  private readonly sweeper: NodeJS.Timeout;
  /** Ids of the current members, kept up to date here: `wait` checks them for every operation. */
  private alive: Set<string>;

  constructor(spi: ClusterSpi, private readonly timeoutMs: number) {
    this.alive = new Set(spi.view().members.map((m) => m.id));
    spi.onMembershipChange((change) => {
      this.alive = new Set(change.view.members.map((m) => m.id));
      const gone = new Set(change.removed.map((m) => m.id));
      for (const [id, w] of this.waits) {
        if (!w.from || !w.owner) continue;
        if (gone.has(w.owner) && w.got < w.from.length) {
          this.waits.delete(id);
          w.reject?.(retryError(`owner ${w.owner} was lost before its backups acknowledged`));
          continue;
        }
        w.from = w.from.filter((m) => !gone.has(m));
        this.check(id, w);
      }
    });
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [id, w] of this.waits) if (w.resolve && w.deadline <= now) this.finish(id, w);
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  /** A new call id whose acks are counted from now on. */
  open(): number {
    const id = ++this.seq;
    this.waits.set(id, { got: 0, deadline: Number.POSITIVE_INFINITY });
    return id;
  }

  /** The call failed (it will be retried under a new id). */
  cancel(id: number): void {
    this.waits.delete(id);
  }

  acked(id: number): void {
    const w = this.waits.get(id);
    if (!w) return;
    w.got++;
    this.check(id, w);
  }

  /**
   * Resolves once every member in `from` acked call `id` (or left, or the timeout passed); rejects
   * with a retry error when the owner is lost first (the operation is then run again).
   */
  wait(id: number, owner: string, from: string[]): Promise<void> {
    const w = this.waits.get(id);
    if (!w) return Promise.resolve();
    const alive = this.alive;
    w.from = from.length === 1 && alive.has(from[0]) ? from : from.filter((m) => alive.has(m));
    w.owner = owner;
    if (w.got >= w.from.length) {
      this.waits.delete(id);
      return Promise.resolve();
    }
    if (!alive.has(owner)) {
      this.waits.delete(id);
      return Promise.reject(retryError(`owner ${owner} was lost before its backups acknowledged`));
    }
    w.deadline = Date.now() + this.timeoutMs;
    return new Promise((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const [id, w] of this.waits) this.finish(id, w);
  }

  private check(id: number, w: Wait): void {
    if (w.from && w.resolve && w.got >= w.from.length) this.finish(id, w);
  }

  private finish(id: number, w: Wait): void {
    this.waits.delete(id);
    w.resolve?.();
  }
}
