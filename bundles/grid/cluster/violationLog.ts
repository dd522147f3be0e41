import type { Logger } from 'winston';

const WINDOW_MS = 60_000;
const MAX_KEYS = 1000;

/**
 * Warnings a peer can trigger at will (malformed messages, refused identity claims): each kind is
 * logged once per minute per peer, so a misbehaving peer cannot flood the log.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  /** Logs `message` unless a line of the same `key` was logged within the last minute. */
  warn(key: string, message: string): void {
    const now = Date.now();
    const at = this.last.get(key);
    if (at !== undefined && now - at < WINDOW_MS) return;
    if (this.last.size >= MAX_KEYS) this.last.clear();
    this.last.set(key, now);
    this.logger.warn(message);
  }
}
