import type { EventEmitter } from 'eventemitter3';
import { serviceToken } from '../../core/serviceToken.js';

/** A user's session as other bundles see it. */
export interface Session {
  /** 32 hex digits: 128 random bits. */
  readonly id: string;
  /** 32 hex digits: the value of the secret cookie that must accompany the id. */
  readonly secret: string;
  readonly user: string;
  /** The client the user logged in with, e.g. `open-xchange-appsuite`. */
  readonly client: string;
  readonly createdAt: number;
  readonly lastAccess: number;
  /** Route of the node where the user logged in. */
  readonly origin: string;
}

export type RemovalReason = 'logout' | 'expired' | 'remote';

export interface SessiondEventMap {
  /** A session was created here by a login, or adopted from the session storage. */
  added: (session: Session, how: 'login' | 'adopted') => void;
  /** Idle longer than `sessionDefaultLifeTime`: moved to the long-term container. */
  longTerm: (session: Session) => void;
  /** Gone from this node: logged out here, expired, or removed on another node (`remote`). */
  removed: (session: Session, reason: RemovalReason) => void;
}

/** Why sessiond refused: a limit, or the session storage not answering. */
export class SessiondError extends Error {
  constructor(
    readonly code: string,
    readonly reason: 'maxSession' | 'maxSessionPerUser' | 'storageUnavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface SessiondService {
  /** Creates a session; throws SessiondError when `maxSession` or `maxSessionPerUser` is reached. */
  create(user: string, client: string): Promise<Session>;
  /**
   * The session with this id, from this node or else adopted from the session storage; touches it.
   * Undefined when unknown or expired. Throws SessiondError when the storage does not answer.
   * `accept` (e.g. the secret-cookie check) sees the session first: when it refuses, the session is
   * neither touched nor adopted and the result is undefined.
   */
  get(id: string, accept?: (session: Session) => boolean): Promise<Session | undefined>;
  /** Removes the session here and from the storage (so from every node); false when unknown. */
  logout(id: string): Promise<boolean>;
  /** Sessions this node holds. */
  counts(): { shortTerm: number; longTerm: number };
  /**
   * Every live session of a user in the cluster: the storage's (when it can list a user's sessions)
   * and this node's. Throws SessiondError when the storage does not answer.
   */
  sessionsOf(user: string): Promise<Session[]>;
  /**
   * Sessions in the storage per node of their login (`route`), or null when the storage cannot count
   * them or holds more than `limit` (a scan of the storage: for operators, not for requests).
   */
  countsPerNode(limit: number): Promise<Record<string, number> | null>;
  /** Token login: remembers (on this node only) that `clientToken` plus the returned server token redeem `session`. */
  createTokens(session: Session, clientToken: string): string;
  /** One use; undefined when unknown, expired or not matching. */
  redeemTokens(clientToken: string, serverToken: string): Promise<Session | undefined>;
  readonly events: EventEmitter<SessiondEventMap>;
}

export const SESSIOND_SERVICE = serviceToken<SessiondService>('sessiond');

/** A session as kept in a session storage (plain data, msgpack-friendly). */
export interface StoredSession {
  id: string;
  secret: string;
  user: string;
  client: string;
  createdAt: number;
  lastAccess: number;
  origin: string;
}

/**
 * Where sessions outlive the node that holds them. Provided by `sessionstorage-grid`; sessiond
 * works node-local when no bundle provides it.
 */
export interface SessionStorage {
  /** For log lines, e.g. `grid map "sessions"`. */
  readonly description: string;
  /** A short name of the kind of storage for operators, e.g. `grid` or `redis`. */
  readonly kind?: string;
  /**
   * True: a login whose session cannot be written is refused (`storageUnavailable`, a 503) instead
   * of living on this node only, because operators rely on this storage to keep every session
   * (Redis across a full restart). False or absent: such a session is kept on this node with a warning.
   */
  readonly refuseUnwrittenLogins?: boolean;
  /** Idle time after which the storage drops a session by itself, and where it was configured (sessiond warns when it is below its long lifetime). */
  readonly maxIdle?: { seconds: number; origin: string };
  put(session: StoredSession): Promise<void>;
  /** Replaces the entry only when it exists (never re-creates a removed session); false when it did not. */
  touch(session: StoredSession): Promise<boolean>;
  get(id: string): Promise<StoredSession | undefined>;
  /** True when it was there. */
  remove(id: string): Promise<boolean>;
  /** Every session of a user it holds (for operators: may scan the storage); absent when it cannot list them. */
  sessionsOf?(user: string): Promise<StoredSession[]>;
  /** Sessions per `origin` (for operators: may scan the storage); null above `limit` sessions; absent when it cannot count them. */
  countsPerOrigin?(limit: number): Promise<Record<string, number> | null>;
  /** Called when a session is removed anywhere in the cluster; returns a function that unsubscribes. */
  onRemoved(listener: (id: string) => void): () => void;
  /** Told sessiond's lifetimes when sessiond starts (a storage that expires sessions itself needs them). */
  useLifetimes?(lifetimes: { defaultLifeTimeMs: number; longLifeTimeMs: number }): void;
}

export const SESSION_STORAGE = serviceToken<SessionStorage>('sessiond.storage');
