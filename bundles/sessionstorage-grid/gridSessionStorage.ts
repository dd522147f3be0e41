import type { Logger } from 'winston';
import { type DistributedMap, SplitBrainProtectionError } from '../grid/api.js';
import type { SessionStorage, StoredSession } from './api.js';

/** Checks that a map value has the shape of a session (it may have been written by another version). */
function isStoredSession(v: unknown): v is StoredSession {
  const s = v as Partial<StoredSession> | null;
  return !!s && typeof s === 'object' && typeof s.id === 'string' && typeof s.secret === 'string' && typeof s.user === 'string'
    && typeof s.client === 'string' && typeof s.createdAt === 'number' && typeof s.lastAccess === 'number' && typeof s.origin === 'string';
}

/** Sessions in a grid map; operations retry while the grid recovers from a member loss. */
export class GridSessionStorage implements SessionStorage {
  readonly description: string;
  readonly kind = 'grid';

  constructor(
    private readonly map: DistributedMap<StoredSession>,
    private readonly logger: Logger,
    /** How long an operation keeps retrying before it reports the failure. */
    private readonly retryForMs: number,
    readonly maxIdle?: { seconds: number; origin: string },
  ) {
    this.description = `grid map "${map.name}"`;
  }

  put(session: StoredSession): Promise<void> {
    return this.retry(`put of session ${session.id.slice(0, 8)}…`, async () => {
      await this.map.set(session.id, session);
    });
  }

  touch(session: StoredSession): Promise<boolean> {
    return this.retry(`touch of session ${session.id.slice(0, 8)}…`, async () => (await this.map.replace(session.id, session)) !== undefined);
  }

  get(id: string): Promise<StoredSession | undefined> {
    return this.retry(`get of session ${id.slice(0, 8)}…`, async () => {
      const value = await this.map.get(id);
      if (value === undefined || isStoredSession(value)) return value;
      this.logger.warn(`${this.description}: entry ${id.slice(0, 8)}… is not a session; ignored`);
      return undefined;
    });
  }

  remove(id: string): Promise<boolean> {
    return this.retry(`remove of session ${id.slice(0, 8)}…`, async () => (await this.map.remove(id)) !== undefined);
  }

  /** A scan of the whole map (every partition's entries come over): for operators, not for requests. */
  sessionsOf(user: string): Promise<StoredSession[]> {
    return this.retry(`listing of the sessions of user ${user}`, async () => (await this.map.values()).filter((v): v is StoredSession => isStoredSession(v) && v.user === user));
  }

  /** A scan of the whole map too, skipped (null) when the map holds more than `limit` entries. */
  countsPerOrigin(limit: number): Promise<Record<string, number> | null> {
    return this.retry('count of the sessions per node', async () => {
      if (await this.map.size() > limit) return null;
      const counts: Record<string, number> = {};
      for (const v of await this.map.values()) if (isStoredSession(v)) counts[v.origin] = (counts[v.origin] ?? 0) + 1;
      return counts;
    });
  }

  onRemoved(listener: (id: string) => void): () => void {
    // Evicted (maxIdleSeconds) or expired entries are gone from the grid too: no node may keep serving them.
    const gone = (e: { key: string }) => listener(e.key);
    return this.map.addEntryListener({ removed: gone, evicted: gone, expired: gone }, { includeValue: false });
  }

  private async retry<T>(what: string, op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        // This side of a split cluster is too small: waiting does not help, and the caller should know now.
        if (err instanceof SplitBrainProtectionError) throw new Error(`${this.description}: ${what} refused: ${err.message}`);
        if (Date.now() >= deadline) throw new Error(`${this.description}: ${what} failed after ${attempt} attempt(s): ${(err as Error).message}`);
        this.logger.debug(`${this.description}: ${what} failed (${(err as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * attempt)));
      }
    }
  }
}
