const TICK_MS = 100;
/** A tick later than this, or a wall-clock jump against the monotonic clock larger than this, is a pause. */
const PAUSE_MS = 500;

/**
 * Notices when this process was paused (SIGSTOP, swapping, a long GC, a blocked event loop) or its
 * wall clock jumped: clock readings taken right after one of those are not to be trusted.
 */
export class PauseWatch {
  private lastTick = performance.now();
  private wallMinusMonotonic = Date.now() - performance.now();
  private lastPauseAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.timer ??= setInterval(() => this.observe(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Milliseconds since the last pause ended. It looks at the clock itself, so a pause is seen even
   * when I/O callbacks run before the watch's own timer after the process resumes.
   */
  quietMs(): number {
    this.observe();
    return performance.now() - this.lastPauseAt;
  }

  private observe(): void {
    const now = performance.now();
    const offset = Date.now() - now;
    if (now - this.lastTick > TICK_MS + PAUSE_MS || Math.abs(offset - this.wallMinusMonotonic) > PAUSE_MS) this.lastPauseAt = now;
    this.lastTick = now;
    this.wallMinusMonotonic = offset;
  }
}
