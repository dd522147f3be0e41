import type { Logger } from 'winston';
import type { RedisService } from '../redis/api.js';
import { EXPIRER_LOCK_KEY, LONG_TERM_KEY, REMOVED_COUNTER_KEY, SHORT_TERM_KEY, sessionKey, userKey } from './keys.js';
import { decodeSession } from './storedSession.js';

/** Ids handled per round and set; the rest waits for the next round. */
const BATCH = 500;

export interface ExpirerOptions {
  redis: RedisService;
  logger: Logger;
  lifetimes: { defaultLifeTimeMs: number; longLifeTimeMs: number };
  /** Told of the ids this node expired, to announce them. */
  removed(ids: string[]): void;
}

/**
 * Moves sessions idle longer than the default lifetime from the short- to the long-term sorted set
 * and removes those idle longer than the long lifetime, with their index entries. It runs on one
 * node at a time: each round takes the Redis lock `ox-session-expirer-lock` (SET NX PX) first.
 * The session keys expire on their own too (PX): this keeps the index and the sets in step.
 */
export class SessionExpirer {
  private timer?: NodeJS.Timeout;
  private running = false;
  readonly intervalMs: number;

  constructor(private readonly options: ExpirerOptions) {
    const { defaultLifeTimeMs, longLifeTimeMs } = options.lifetimes;
    this.intervalMs = Math.min(60_000, Math.max(200, Math.min(defaultLifeTimeMs, longLifeTimeMs) / 10));
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.round()
        .catch((err: Error) => this.options.logger.warn(`session expirer round failed: ${err.message}`))
        .finally(() => { this.running = false; });
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round; false when another node holds the lock. */
  async round(now = Date.now()): Promise<boolean> {
    const { redis } = this.options;
    const got = await redis.run('expirer lock', (c) => c.set(EXPIRER_LOCK_KEY, redis.instanceId, 'PX', this.intervalMs, 'NX'));
    if (got !== 'OK') return false;
    const { defaultLifeTimeMs, longLifeTimeMs } = this.options.lifetimes;
    const idle = await redis.run('idle sessions', (c) => c.zrangebyscore(SHORT_TERM_KEY, '-inf', now - defaultLifeTimeMs, 'WITHSCORES', 'LIMIT', 0, BATCH));
    for (let i = 0; i < idle.length; i += 2) {
      const [id, score] = [idle[i]!, Number(idle[i + 1])];
      await redis.run('move to long-term', async (c) => {
        await c.zadd(LONG_TERM_KEY, score, id);
        await c.zrem(SHORT_TERM_KEY, id);
      });
    }
    const expired: string[] = [];
    for (const set of [LONG_TERM_KEY, SHORT_TERM_KEY]) {
      const ids = await redis.run('expired sessions', (c) => c.zrangebyscore(set, '-inf', now - longLifeTimeMs, 'LIMIT', 0, BATCH));
      for (const id of ids) if (await this.expire(id, set, now)) expired.push(id);
    }
    if (expired.length) {
      this.options.logger.info(`session expirer: ${expired.length} session(s) idle longer than ${longLifeTimeMs / 1000} s removed from Redis`);
      this.options.removed(expired);
    }
    return true;
  }

  /** Removes one session unless another node used it since (its stored last access is newer). */
  private async expire(id: string, set: string, now: number): Promise<boolean> {
    const { redis } = this.options;
    const text = await redis.run('read of an idle session', (c) => c.get(sessionKey(id)).catch(() => null));
    const stored = text === null ? undefined : decodeSession(id, text);
    if (stored && typeof stored !== 'string' && now - stored.lastAccess <= this.options.lifetimes.longLifeTimeMs) {
      await redis.run('refresh of a last access', (c) => c.zadd(set, stored.lastAccess, id));
      return false;
    }
    const deleted = await redis.run('expiry of a session', (c) => c.del(sessionKey(id)));
    await redis.run('index cleanup of an expired session', async (c) => {
      if (stored && typeof stored !== 'string') await c.srem(userKey(stored.user), id);
      await c.zrem(set, id);
      if (deleted > 0) await c.incr(REMOVED_COUNTER_KEY);
    });
    return deleted > 0;
  }
}
