import type { Waiting } from './batcher.js';

/**
 * An operation this member runs as its partition's owner, waiting for the answers of its sync
 * backups, so a local write costs one promise. A backup that fails is not the caller's error (the
 * master re-creates missing replicas): its answer counts all the same.
 */
export class LocalRun {
  /** Backup answers still expected. */
  private pending = 0;
  private value: unknown;
  private settle: ((value: unknown) => void) | undefined;

  /** The batch entry of one backup request, whose answer this run waits for. */
  backup(item: unknown, timeoutMs: number): Waiting {
    this.pending++;
    return new BackupAnswer(item, timeoutMs, this);
  }

  /** The operation's result, once every backup answered. */
  result(value: unknown): Promise<unknown> {
    if (this.pending === 0) return Promise.resolve(value);
    this.value = value;
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  answered(): void {
    if (--this.pending === 0) this.settle?.(this.value);
  }
}

class BackupAnswer implements Waiting {
  constructor(readonly item: unknown, readonly timeoutMs: number, private readonly run: LocalRun) {}

  resolve(): void {
    this.run.answered();
  }

  reject(): void {
    this.run.answered();
  }
}
