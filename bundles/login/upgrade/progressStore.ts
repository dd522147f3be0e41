import type { Logger } from 'winston';
import type { DistributedMap, GridService } from '../../grid/api.js';
import { IDLE_PROGRESS, type Progress, progressProblem } from './progress.js';

/** The grid map that keeps the progress cluster-wide (with the default backup), and its one key. */
export const PROGRESS_MAP = 'oxk.upgradeProgress';
const KEY = 'progress';

/**
 * The rolling upgrade's progress on this member: kept in a small grid map when the grid runs, so
 * every member shows the same and it outlives the member that received a report; followed through
 * the map's entry events, so reading it (an MBean attribute) needs no grid call. Without the grid
 * it is this member's alone.
 */
export class ProgressStore {
  private current: Progress = IDLE_PROGRESS;
  private map: DistributedMap<Progress> | undefined;
  private unlisten: (() => void) | undefined;

  constructor(private readonly logger: Logger) {}

  progress(): Progress {
    return this.current;
  }

  /** Follows the grid's copy (or stops following it when the grid goes: `undefined`). */
  attach(grid: GridService | undefined): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.map = grid?.getMap<Progress>(PROGRESS_MAP);
    const map = this.map;
    if (!map) return;
    this.unlisten = map.addEntryListener({ added: (e) => this.take(e.value), updated: (e) => this.take(e.value) });
    map.get(KEY).then(
      (stored) => this.take(stored),
      (err: Error) => this.logger.debug(`upgrade progress not read from grid map ${PROGRESS_MAP}: ${err.message}`),
    );
  }

  close(): void {
    this.unlisten?.();
  }

  /** Stores a report (already checked); cluster-wide when the grid runs. */
  async report(progress: Progress): Promise<void> {
    this.take(progress);
    await this.map?.set(KEY, progress);
  }

  /** A newer progress than the one held; a copy from the grid that fails the schema (another version wrote it) is ignored. */
  private take(value: unknown): void {
    if (value === undefined || progressProblem(value) !== undefined) return;
    const next = value as Progress;
    if (next.updatedAt >= this.current.updatedAt) this.current = next;
  }
}
