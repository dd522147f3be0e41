import type { PartitionService } from './partitionService.js';

/** The longest pause between two attempts of an operation. */
const MAX_PAUSE_MS = 100;

/**
 * The pause before an operation's next attempt: exponential (1, 2, 4 ... 100 ms), but over as soon
 * as a new partition table is installed. A partition blocked by a migration becomes usable when
 * the master's commit arrives; a caller asleep in a long backoff then kept waiting up to 100 ms
 * after it, which was most of the operations' p99 during a migration.
 */
export class RetryPause {
  /** The pauses running now (only failed attempts pause: this is not the operations' hot path). */
  private readonly waiters = new Set<() => void>();

  constructor(partitions: PartitionService) {
    partitions.onTableChange(() => {
      if (this.waiters.size === 0) return;
      const woken = [...this.waiters];
      this.waiters.clear();
      for (const wake of woken) wake();
    });
  }

  /** Resolves with true when a table change ended the pause, false when `attempt`'s backoff ran out. */
  before(attempt: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, Math.min(2 ** (attempt - 1), MAX_PAUSE_MS));
      this.waiters.add(wake);
    });
  }
}
