import type { WireCheck } from '../spi/wireSchema.js';

/** Owner-side handling of one service's operations (maps, topics). */
export interface PartitionExecutor {
  /** Runs on the owner; throws a RETRY error when the partition is not (or no longer) owned here. */
  execute(p: number, op: unknown): unknown;
  /** Applies a backup the owner sent. */
  applyBackup(p: number, op: unknown): void;
  /** Schemas of what peers send it (operations, backups) and of its answer to an operation. */
  readonly opCheck: WireCheck<unknown>;
  readonly backupCheck: WireCheck<unknown>;
  answerCheck(op: unknown): WireCheck<unknown>;
}
