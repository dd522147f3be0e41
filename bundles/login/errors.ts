import { timingSafeEqual } from 'node:crypto';
import { HttpError, type HttpRequest } from '../http/api.js';
import { type Session, SessiondError, type SessiondService } from '../sessiond/api.js';
import { LoginErrors, secretCookieName } from './api.js';

/** Runs a sessiond call, turning its refusals into HTTP answers (never a 500 for them). */
export async function sessiondCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof SessiondError)) throw err;
    switch (err.reason) {
      case 'maxSession': throw new HttpError(503, LoginErrors.maxSession, err.message);
      case 'maxSessionPerUser': throw new HttpError(429, LoginErrors.maxSessionPerUser, err.message);
      case 'storageUnavailable': throw new HttpError(503, LoginErrors.storageUnavailable, 'the session storage is not available right now; try again');
    }
  }
}

const SESSION_ID = /^[0-9a-f]{32}$/;

/** The session named by `?session=`, with its secret cookie checked. */
export async function requireSession(req: HttpRequest, sessiond: SessiondService): Promise<Session> {
  const id = req.query.get('session');
  if (id === null || id === '') throw new HttpError(400, LoginErrors.missingSession, 'the "session" parameter is missing');
  if (!SESSION_ID.test(id)) throw new HttpError(400, LoginErrors.malformedSession, 'the "session" parameter must be 32 hexadecimal digits');
  // The secret is checked before the session is touched or adopted: its id alone (it travels in URLs)
  // must not keep a session alive or pull it onto this node.
  let found = false;
  const session = await sessiondCall(() => sessiond.get(id, (candidate) => {
    found = true;
    const secret = req.cookies.get(secretCookieName(candidate.client));
    return secret !== undefined && sameText(secret, candidate.secret);
  }));
  if (session) return session;
  if (found) throw new HttpError(403, LoginErrors.secretMismatch, 'the session\'s secret cookie is missing or wrong');
  throw new HttpError(401, LoginErrors.sessionExpired, 'the session expired or does not exist; log in again');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A form or query parameter within limits; undefined when absent. */
export function param(value: string | null, name: string, pattern: RegExp, maxLength: number): string | undefined {
  if (value === null || value === '') return undefined;
  if (value.length > maxLength) throw new HttpError(400, LoginErrors.badParameter, `parameter "${name}" is longer than ${maxLength} characters`);
  if (!pattern.test(value)) throw new HttpError(400, LoginErrors.badParameter, `parameter "${name}" has characters it cannot have`);
  return value;
}
