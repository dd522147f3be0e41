import { EventEmitter } from 'eventemitter3';
import type { Logger } from 'winston';
import { type RemovalReason, type Session, SessiondError, type SessiondEventMap, type SessiondService, type SessionStorage, type StoredSession } from './api.js';
import { SessionContainers } from './containers.js';
import { LocalSession } from './localSession.js';
import { TokenStore } from './tokens.js';

export interface SessiondLimits {
  defaultLifeTimeMs: number;
  longLifeTimeMs: number;
  /** 0: unlimited. */
  maxSession: number;
  maxSessionPerUser: number;
  tokenLifeTimeMs: number;
}

export interface SessiondOptions {
  route: string;
  limits: SessiondLimits;
  storage?: SessionStorage;
  logger: Logger;
  now?: () => number;
}

const shortId = (id: string) => `${id.slice(0, 8)}…`;
const CHECK_INTERVAL_MS = 2000;

/** A node's sessions: short-term and long-term containers, backed by the optional session storage. */
export class Sessiond implements SessiondService {
  readonly events = new EventEmitter<SessiondEventMap>();
  private readonly containers = new SessionContainers();
  private readonly adopting = new Map<string, Promise<StoredSession | undefined>>();
  private readonly tokens: TokenStore;
  private readonly now: () => number;
  /** How stale the storage's last-access time may get before a touch writes it. */
  private readonly touchIntervalMs: number;
  /**
   * How long a local copy is trusted before an access checks (in the background) that the
   * storage still has it: the bound on serving a session that was logged out on a node whose
   * removal notice did not reach this one.
   */
  private readonly checkIntervalMs: number;
  private readonly unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  /** A pass still waiting for the storage is not overlapped by the next one. */
  private sweeping = false;

  constructor(private readonly options: SessiondOptions) {
    this.now = options.now ?? Date.now;
    const { defaultLifeTimeMs, longLifeTimeMs, tokenLifeTimeMs } = options.limits;
    this.touchIntervalMs = Math.min(60_000, Math.max(250, Math.min(defaultLifeTimeMs, longLifeTimeMs) / 4));
    this.checkIntervalMs = Math.min(CHECK_INTERVAL_MS, this.touchIntervalMs);
    this.tokens = new TokenStore(tokenLifeTimeMs, this.now);
    this.unsubscribe = options.storage?.onRemoved((id) => this.drop(id, 'remote'));
    options.storage?.useLifetimes?.({ defaultLifeTimeMs, longLifeTimeMs });
  }

  /** Starts the sweeper that moves idle sessions to long-term and expires them. */
  startSweeper(): void {
    const { defaultLifeTimeMs, longLifeTimeMs } = this.options.limits;
    const every = Math.min(60_000, Math.max(100, Math.min(defaultLifeTimeMs, longLifeTimeMs) / 10));
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweep()
        .catch((err: Error) => this.options.logger.warn(`session sweep on node ${this.options.route} failed: ${err.message}`))
        .finally(() => { this.sweeping = false; });
    }, every);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  async create(user: string, client: string): Promise<Session> {
    const { maxSession, maxSessionPerUser } = this.options.limits;
    if (maxSession > 0 && this.containers.size >= maxSession) {
      throw new SessiondError('SES-0004', 'maxSession', `node ${this.options.route} already holds the maximum of ${maxSession} sessions (com.openexchange.sessiond.maxSession)`);
    }
    if (maxSessionPerUser > 0 && this.containers.countOf(user) >= maxSessionPerUser) {
      throw new SessiondError('SES-0005', 'maxSessionPerUser', `user ${user} already has the maximum of ${maxSessionPerUser} sessions on this node (com.openexchange.sessiond.maxSessionPerUser)`);
    }
    const session = LocalSession.create(user, client, this.options.route, this.now());
    this.containers.add(session);
    const { storage } = this.options;
    if (storage) {
      try {
        await storage.put(session.toStored());
      } catch (err) {
        if (storage.refuseUnwrittenLogins) {
          this.containers.delete(session.id);
          throw new SessiondError('SES-0300', 'storageUnavailable', `session of ${user} could not be written to ${storage.description}: ${(err as Error).message}`);
        }
        this.options.logger.warn(`session ${shortId(session.id)} of ${user} could not be written to ${storage.description} (${(err as Error).message}); it will not survive this node`);
      }
    }
    this.events.emit('added', session, 'login');
    return session;
  }

  async get(id: string, accept?: (session: Session) => boolean): Promise<Session | undefined> {
    const local = this.containers.find(id);
    if (local && this.now() - local.lastAccess <= this.options.limits.longLifeTimeMs) {
      if (accept && !accept(local)) return undefined;
      this.containers.activate(local);
      this.touch(local);
      return local;
    }
    // Expired here, but another node may have kept it alive in the storage since.
    if (local) await this.expire(local);
    const { storage } = this.options;
    if (!storage) return undefined;
    let pending = this.adopting.get(id);
    if (!pending) {
      pending = this.readStored(id, storage).finally(() => this.adopting.delete(id));
      this.adopting.set(id, pending);
    }
    const stored = await pending;
    if (!stored) return undefined;
    const candidate = LocalSession.from(stored);
    return accept && !accept(candidate) ? undefined : this.adopt(candidate, storage);
  }

  async logout(id: string): Promise<boolean> {
    const local = this.drop(id, 'logout');
    const { storage } = this.options;
    if (!storage) return local !== undefined;
    try {
      return (await storage.remove(id)) || local !== undefined;
    } catch (err) {
      throw new SessiondError('SES-0300', 'storageUnavailable', `session ${shortId(id)} could not be removed from ${storage.description}: ${(err as Error).message}`);
    }
  }

  counts(): { shortTerm: number; longTerm: number } {
    return { shortTerm: this.containers.shortTerm.size, longTerm: this.containers.longTerm.size };
  }

  async sessionsOf(user: string): Promise<Session[]> {
    const found = new Map<string, Session>();
    const { storage } = this.options;
    if (storage?.sessionsOf) {
      let stored: StoredSession[];
      try {
        stored = await storage.sessionsOf(user);
      } catch (err) {
        throw new SessiondError('SES-0300', 'storageUnavailable', `sessions of user ${user} could not be listed from ${storage.description}: ${(err as Error).message}`);
      }
      const now = this.now();
      for (const s of stored) if (s.user === user && now - s.lastAccess <= this.options.limits.longLifeTimeMs) found.set(s.id, LocalSession.from(s));
    }
    // This node's copies win: their last access is the freshest, and a session the storage missed is still live here.
    for (const s of this.containers.ofUser(user)) found.set(s.id, s);
    return [...found.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  async countsPerNode(limit: number): Promise<Record<string, number> | null> {
    const { storage } = this.options;
    if (!storage?.countsPerOrigin) return null;
    try {
      return await storage.countsPerOrigin(limit);
    } catch (err) {
      throw new SessiondError('SES-0300', 'storageUnavailable', `sessions per node could not be counted in ${storage.description}: ${(err as Error).message}`);
    }
  }

  createTokens(session: Session, clientToken: string): string {
    return this.tokens.issue(session.id, clientToken);
  }

  async redeemTokens(clientToken: string, serverToken: string): Promise<Session | undefined> {
    const id = this.tokens.redeem(clientToken, serverToken);
    return id === undefined ? undefined : this.get(id);
  }

  /** One pass of the sweeper (public for tests with a fake clock). */
  async sweep(): Promise<void> {
    const now = this.now();
    const { defaultLifeTimeMs, longLifeTimeMs } = this.options.limits;
    for (const s of [...this.containers.shortTerm.values()]) {
      if (now - s.lastAccess > defaultLifeTimeMs) {
        this.containers.toLongTerm(s);
        this.events.emit('longTerm', s);
      }
    }
    const expired = [...this.containers.longTerm.values(), ...this.containers.shortTerm.values()].filter((s) => now - s.lastAccess > longLifeTimeMs);
    await Promise.all(expired.map((s) => this.expire(s)));
    this.tokens.sweep();
  }

  /** The stored session, or undefined when unknown or expired (an expired one is removed). */
  private async readStored(id: string, storage: SessionStorage): Promise<StoredSession | undefined> {
    let stored;
    try {
      stored = await storage.get(id);
    } catch (err) {
      throw new SessiondError('SES-0300', 'storageUnavailable', `session ${shortId(id)} could not be read from ${storage.description}: ${(err as Error).message}`);
    }
    if (!stored) return undefined;
    if (this.now() - stored.lastAccess > this.options.limits.longLifeTimeMs) {
      storage.remove(id).catch((err: Error) => this.options.logger.debug(`expired session ${shortId(id)} not removed from ${storage.description}: ${err.message}`));
      return undefined;
    }
    return stored;
  }

  /** Takes a session from the storage into this node's containers (once, however many requests race). */
  private adopt(session: LocalSession, storage: SessionStorage): LocalSession {
    const existing = this.containers.find(session.id);
    if (existing) return existing;
    this.containers.add(session);
    this.options.logger.info(`adopted session ${shortId(session.id)} of ${session.user} (logged in on ${session.origin}) from ${storage.description}`);
    this.events.emit('added', session, 'adopted');
    this.touch(session);
    return session;
  }

  /**
   * Records the access; now and then checks that the storage still has the session (dropping it
   * here when not: it was logged out or expired elsewhere) and writes the last access back. The
   * write only replaces an existing entry, so it never brings back a session removed elsewhere.
   */
  private touch(s: LocalSession): void {
    const now = this.now();
    s.lastAccess = now;
    const { storage } = this.options;
    if (!storage || now - s.checkedAt < this.checkIntervalMs) return;
    s.checkedAt = now;
    const write = now - s.storedAccess >= this.touchIntervalMs;
    if (write) s.storedAccess = now;
    const still = write ? storage.touch(s.toStored()) : storage.get(s.id).then((x) => x !== undefined);
    still.then(
      (present) => {
        if (!present && this.containers.find(s.id) === s) this.drop(s.id, 'remote');
      },
      (err: Error) => this.options.logger.debug(`check of session ${shortId(s.id)} against ${storage.description} failed: ${err.message}`),
    );
  }

  private drop(id: string, reason: RemovalReason): LocalSession | undefined {
    const s = this.containers.delete(id);
    if (s) this.events.emit('removed', s, reason);
    return s;
  }

  /** Expired here; removed from the storage only when no other node has used it since. */
  private async expire(s: LocalSession): Promise<void> {
    this.drop(s.id, 'expired');
    const { storage } = this.options;
    if (!storage) return;
    try {
      const stored = await storage.get(s.id);
      if (stored && this.now() - stored.lastAccess <= this.options.limits.longLifeTimeMs) return;
      if (stored) await storage.remove(s.id);
    } catch (err) {
      this.options.logger.warn(`expired session ${shortId(s.id)} not removed from ${storage.description}: ${(err as Error).message}`);
    }
  }
}
