import { randomBytes } from 'node:crypto';
import type { Session, StoredSession } from './api.js';

/** 128 random bits as 32 hex digits. */
export const randomId = (): string => randomBytes(16).toString('hex');

/**
 * A session held by this node; `storedAccess` is the last access the storage knows of,
 * `checkedAt` when this node last made sure the storage still has it.
 */
export class LocalSession implements Session {
  lastAccess: number;
  storedAccess: number;
  checkedAt: number;

  constructor(
    readonly id: string,
    readonly secret: string,
    readonly user: string,
    readonly client: string,
    readonly createdAt: number,
    readonly origin: string,
    lastAccess: number,
  ) {
    this.lastAccess = lastAccess;
    this.storedAccess = lastAccess;
    this.checkedAt = lastAccess;
  }

  static create(user: string, client: string, origin: string, now: number): LocalSession {
    return new LocalSession(randomId(), randomId(), user, client, now, origin, now);
  }

  static from(s: StoredSession): LocalSession {
    return new LocalSession(s.id, s.secret, s.user, s.client, s.createdAt, s.origin, s.lastAccess);
  }

  toStored(): StoredSession {
    const { id, secret, user, client, createdAt, lastAccess, origin } = this;
    return { id, secret, user, client, createdAt, lastAccess, origin };
  }
}
