import type { StoredSession } from './api.js';

/** Checks that a decoded value has the shape of a session (it may have been written by anyone). */
export function isStoredSession(v: unknown): v is StoredSession {
  const s = v as Partial<StoredSession> | null;
  return !!s && typeof s === 'object' && typeof s.id === 'string' && typeof s.secret === 'string' && typeof s.user === 'string'
    && typeof s.client === 'string' && typeof s.createdAt === 'number' && Number.isFinite(s.createdAt)
    && typeof s.lastAccess === 'number' && Number.isFinite(s.lastAccess) && typeof s.origin === 'string';
}

/** The JSON text a session is stored as (readable with redis-cli; only the known fields). */
export function encodeSession(s: StoredSession): string {
  const { id, secret, user, client, createdAt, lastAccess, origin } = s;
  return JSON.stringify({ id, secret, user, client, createdAt, lastAccess, origin });
}

/** The session, or why the text is not one. */
export function decodeSession(id: string, text: string): StoredSession | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!isStoredSession(value)) return 'not a session';
  if (value.id !== id) return `holds session ${value.id.slice(0, 8)}… instead`;
  return value;
}
