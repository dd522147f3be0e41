import type { Logger } from 'winston';

/**
 * A log line an outsider can trigger: at most `max` lines per window; the first line of the next
 * window says how many were dropped, so a flood costs a few lines a minute, not one per request.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private written = 0;
  private dropped = 0;

  constructor(private readonly logger: Logger, private readonly level: 'warn' | 'info' | 'debug', private readonly max = 10, private readonly windowMs = 60_000) {}

  log(message: string, now = Date.now()): void {
    if (now - this.windowStart >= this.windowMs) {
      if (this.dropped > 0) this.logger.log(this.level, `(${this.dropped} more such line(s) dropped in the last ${Math.round(this.windowMs / 1000)} s)`);
      this.windowStart = now;
      this.written = 0;
      this.dropped = 0;
    }
    if (this.written >= this.max) {
      this.dropped += 1;
      return;
    }
    this.written += 1;
    this.logger.log(this.level, message);
  }
}
