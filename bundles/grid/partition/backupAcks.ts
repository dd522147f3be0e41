import type { ClusterSpi } from '../spi/clusterSpi.js';

const SWEEP_MS = 100;

interface Wait {
  got: number;
  /** Members whose ack is still expected; unknown until the owner's answer arrives. */
  from?: string[];
  deadline: number;
  resolve?: () => void;
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

  constructor(spi: ClusterSpi, private readonly timeoutMs: number) {
    spi.onMembershipChange((change) => {
      for (const [id, w] of this.waits) {
        if (!w.from) continue;
        w.from = w.from.filter((m) => !change.removed.some((r) => r.id === m));
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

  /** Resolves once every member in `from` acked call `id` (or left, or the timeout passed). */
  wait(id: number, from: string[]): Promise<void> {
    const w = this.waits.get(id);
    if (!w) return Promise.resolve();
    w.from = from;
    if (w.got >= from.length) {
      this.waits.delete(id);
      return Promise.resolve();
    }
    w.deadline = Date.now() + this.timeoutMs;
    return new Promise((resolve) => {
      w.resolve = resolve;
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
