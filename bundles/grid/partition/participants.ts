import { type WireCheck, WireLimits } from '../spi/wireSchema.js';

/**
 * A service that keeps data per partition (maps, topics). The partition service asks each one to
 * copy a partition to a new replica, and tells it when a partition is dropped or promoted here.
 */
export interface ReplicaParticipant {
  readonly name: string;
  /** The schema of the chunks `snapshot` makes: a chunk from a peer is checked before `restore` sees it. */
  readonly chunkCheck: WireCheck<unknown>;
  /** The data a replica at `replicaIndex` (0 = owner) needs, in chunks small enough for one message each. */
  snapshot(p: number, replicaIndex: number): unknown[];
  /**
   * True when a replica that backups kept at `heldIndex` (1 = first backup) holds exactly what a
   * replica at `index` holds: backups go only to the indices a structure backs up to, so data is
   * missing below them and would go stale beyond them.
   */
  covers(p: number, heldIndex: number, index: number): boolean;
  /** `first` is true for the first chunk of a copy: forget what this member had for partition p. */
  restore(p: number, chunk: unknown, first: boolean): void;
  /** This member holds no replica of partition p any more. */
  drop(p: number): void;
  /** This member became the owner of partition p (a backup was promoted). */
  promoted(p: number): void;
}

/** Errors with this marker are retried by the caller until its deadline. */
export const RETRY = '[retry]';

export function retryError(message: string): Error {
  return new Error(`${RETRY} ${message}`);
}

/** An error's message, cut to what a peer accepts in an answer. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, WireLimits.TEXT);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
