import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** The routing cookie; its value is `<random decimal>.<route>`. */
export const JSESSIONID = 'JSESSIONID';

/** The client name used when a login does not name one. */
export const DEFAULT_CLIENT = 'open-xchange-appsuite';

/** Name of the cookie that carries a session's secret; it depends on the client the session was made for. */
export function secretCookieName(client: string): string {
  let name = cookieNames.get(client);
  if (name === undefined) {
    name = `open-xchange-secret-${createHash('sha256').update(client).digest('hex').slice(0, 32)}`;
    cookieNames.set(client, name);
  }
  return name;
}

/** Every authenticated request needs its client's cookie name: hashing it each time was a visible share of whoami's CPU. Bounded, as clients name themselves. */
const cookieNames = new LRUCache<string, string>({ max: 256 });

/** Error codes of `/ajax/login` and `/ajax/system` answers (`{"error": ..., "code": ...}`). */
export const LoginErrors = {
  /** 400: unknown or missing `action`, or a GET where POST is required. */
  badAction: 'SVL-0002',
  /** 400: a parameter that is too long or has characters it cannot have. */
  badParameter: 'SVL-0003',
  /** 400: name or password missing. */
  missingCredentials: 'LGI-0003',
  /** 401: wrong name or password (one answer for both). */
  invalidCredentials: 'LGI-0006',
  /** 429: too many failed logins for the user or from the address; `Retry-After` says when to try again. */
  tooManyFailedLogins: 'LGI-0429',
  /** 400: no `session` parameter. */
  missingSession: 'SES-0201',
  /** 400: `session` is not 32 hex digits. */
  malformedSession: 'SES-0202',
  /** 401: no such session (never was, logged out or expired). */
  sessionExpired: 'SES-0203',
  /** 403: the session's secret cookie is missing or wrong. */
  secretMismatch: 'SES-0206',
  /** 403: token login: server token unknown, used, expired or not matching the client token. */
  tokenInvalid: 'SES-0207',
  /** 503: `maxSession` reached on this node. */
  maxSession: 'SES-0004',
  /** 429: `maxSessionPerUser` reached for this user on this node. */
  maxSessionPerUser: 'SES-0005',
  /** 503: the session storage (grid) did not answer in time; retry. */
  storageUnavailable: 'SES-0300',
} as const;
