import { LRUCache } from 'lru-cache';
import type { Logger } from 'winston';
import { type RedisClient, type RedisService, SESSION_EVENTS_CHANNEL } from '../redis/api.js';
import type { SessionStorage, StoredSession } from './api.js';
import { CREATED_COUNTER_KEY, LONG_TERM_KEY, REMOVED_COUNTER_KEY, SHORT_TERM_KEY, sessionKey, userKey } from './keys.js';
import { decodeSession, encodeSession } from './storedSession.js';
import { SessionExpirer } from './expirer.js';

const shortId = (id: string) => `${id.slice(0, 8)}…`;
/** What a value under an `ox-session:` key that is not a string (a hash, a list) reads as. */
const FOREIGN_TYPE = Symbol('foreign type');

/** `ox-channel:sessionEvents` messages. */
export interface SessionEvent {
  op: 'removed';
  ids: string[];
}

const isSessionEvent = (v: unknown): v is SessionEvent => {
  const e = v as Partial<SessionEvent> | null;
  return !!e && typeof e === 'object' && e.op === 'removed' && Array.isArray(e.ids) && e.ids.every((id) => typeof id === 'string');
};

export interface RedisSessionStorageOptions {
  redis: RedisService;
  logger: Logger;
  /** Replicas a write waits for (WAIT) before it counts as done; 0: none. */
  waitForReplicas: number;
}

/**
 * Sessions in Redis: each under `ox-session:{id}` (JSON, expiring after the long lifetime unless
 * touched), in its user's index set and in the last-access sorted sets the expirer reads. Every
 * command names one key, so this works unchanged on Redis Cluster.
 */
export class RedisSessionStorage implements SessionStorage {
  readonly description: string;
  readonly kind = 'redis';
  readonly refuseUnwrittenLogins = true;
  private lifetimes = { defaultLifeTimeMs: 3_600_000, longLifeTimeMs: 604_800_000 };
  private readonly warned = new LRUCache<string, true>({ max: 1000 });
  private expirer?: SessionExpirer;

  constructor(private readonly options: RedisSessionStorageOptions) {
    this.description = `${options.redis.description} (keys ox-session:*)`;
  }

  useLifetimes(lifetimes: { defaultLifeTimeMs: number; longLifeTimeMs: number }): void {
    this.lifetimes = lifetimes;
    this.expirer?.stop();
    this.expirer = new SessionExpirer({ redis: this.options.redis, logger: this.options.logger, lifetimes, removed: (ids) => this.announce(ids) });
    this.expirer.start();
  }

  close(): void {
    this.expirer?.stop();
  }

  async put(session: StoredSession): Promise<void> {
    const { redis, waitForReplicas } = this.options;
    const key = sessionKey(session.id);
    // Index first, session last: a failure leaves at most an index entry pointing at nothing, never an unindexed session.
    await redis.run(`index of session ${shortId(session.id)}`, async (c) => {
      await c.sadd(userKey(session.user), session.id);
      await c.zadd(SHORT_TERM_KEY, session.lastAccess, session.id);
    });
    await redis.run(`put of session ${shortId(session.id)}`, async (c) => {
      const pipeline = c.pipeline().set(key, encodeSession(session), 'PX', this.lifetimes.longLifeTimeMs);
      // WAIT has no key: in a pipeline it goes to the node that owns the session's slot, where it counts.
      if (waitForReplicas > 0) pipeline.wait(waitForReplicas, redis.commandTimeoutMs);
      const replies = (await pipeline.exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
      const acked = waitForReplicas > 0 ? Number(replies[1]?.[1]) : 0;
      if (acked < waitForReplicas) throw new Error(`only ${acked} of ${waitForReplicas} replicas confirmed the write (com.openexchange.redis.waitForReplicas)`);
    });
    redis.run('session counter', (c) => c.incr(CREATED_COUNTER_KEY)).catch(() => undefined);
  }

  async touch(session: StoredSession): Promise<boolean> {
    const { redis } = this.options;
    const written = await redis.run(`touch of session ${shortId(session.id)}`, (c) => c.set(sessionKey(session.id), encodeSession(session), 'PX', this.lifetimes.longLifeTimeMs, 'XX'));
    if (written !== 'OK') return false;
    await redis.run(`last access of session ${shortId(session.id)}`, async (c) => {
      await c.zadd(SHORT_TERM_KEY, session.lastAccess, session.id);
      await c.zrem(LONG_TERM_KEY, session.id);
    });
    return true;
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const text = await this.options.redis.run(`get of session ${shortId(id)}`, (c) => readString(c, sessionKey(id)));
    if (text === null) return undefined;
    const decoded = text === FOREIGN_TYPE ? 'not a string value' : decodeSession(id, text);
    if (typeof decoded !== 'string') return decoded;
    if (!this.warned.has(id)) {
      this.warned.set(id, true);
      this.options.logger.warn(`value under ox-session:{${shortId(id)}} is ${decoded}; ignored (not a session this kernel wrote)`);
    }
    return undefined;
  }

  async remove(id: string): Promise<boolean> {
    const { redis } = this.options;
    const key = sessionKey(id);
    const text = await redis.run(`read before remove of session ${shortId(id)}`, (c) => readString(c, key));
    const deleted = await redis.run(`remove of session ${shortId(id)}`, (c) => c.del(key));
    const stored = typeof text === 'string' ? decodeSession(id, text) : undefined;
    await redis.run(`index cleanup of session ${shortId(id)}`, async (c) => {
      if (stored && typeof stored !== 'string') await c.srem(userKey(stored.user), id);
      await c.zrem(SHORT_TERM_KEY, id);
      await c.zrem(LONG_TERM_KEY, id);
    });
    if (deleted > 0) {
      redis.run('session counter', (c) => c.incr(REMOVED_COUNTER_KEY)).catch(() => undefined);
      this.announce([id]);
    }
    return deleted > 0;
  }

  onRemoved(listener: (id: string) => void): () => void {
    return this.options.redis.subscribe(SESSION_EVENTS_CHANNEL, {
      message: (payload, sender) => {
        if (!isSessionEvent(payload)) {
          this.options.logger.debug(`a message on ${SESSION_EVENTS_CHANNEL} from ${sender} is not a session event; ignored`);
          return;
        }
        for (const id of payload.ids) listener(id);
      },
      // Removals published meanwhile are lost; sessiond re-checks every local copy against Redis within 2 s of its next use.
      gap: (reason) => this.options.logger.warn(`${SESSION_EVENTS_CHANNEL}: ${reason}; session removals sent meanwhile are caught by sessiond's check against Redis`),
    });
  }

  /** Ids of one user's sessions in Redis (the per-user index), for operators and tests. */
  userSessions(user: string): Promise<string[]> {
    return this.options.redis.run(`sessions of user ${user}`, (c) => c.smembers(userKey(user)));
  }

  /** Through the user's index set; an index entry whose session is gone is skipped. */
  async sessionsOf(user: string): Promise<StoredSession[]> {
    const sessions = await Promise.all((await this.userSessions(user)).map((id) => this.get(id)));
    return sessions.filter((s): s is StoredSession => s !== undefined && s.user === user);
  }

  private announce(ids: string[]): void {
    const event: SessionEvent = { op: 'removed', ids };
    this.options.redis.publish(SESSION_EVENTS_CHANNEL, event)
      .catch((err: Error) => this.options.logger.warn(`removal of ${ids.length} session(s) not announced on ${SESSION_EVENTS_CHANNEL}: ${err.message}; other nodes notice within 2 s of the next use`));
  }
}

/** GET, with a value of another type (WRONGTYPE) read as foreign instead of failing the request. */
async function readString(c: RedisClient, key: string): Promise<string | null | typeof FOREIGN_TYPE> {
  try {
    return await c.get(key);
  } catch (err) {
    if (/^WRONGTYPE/.test((err as Error).message)) return FOREIGN_TYPE;
    throw err;
  }
}
