import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'winston';
import type { HttpReply, HttpRequest } from '../../http/api.js';
import { basicAuthMatches, isLocalAddress } from '../../http/access.js';
import { type ManagementCredentials, RefusedCredentialsLog } from '../credentials.js';

/** Header the page sends its CSRF token in (a cross-site form or `fetch` without CORS cannot set it). */
export const TOKEN_HEADER = 'x-oxk-console-token';

/**
 * Who may use the console: Jolokia's user and password (HTTP Basic), loopback only unless
 * `restrict.to.localhost=false`. State-changing requests also carry a token derived from a secret
 * made when the bundle starts and the user, so a token leaks nothing and dies with the process.
 */
export class ConsoleAccess {
  private readonly secret = randomBytes(32);
  private readonly refusals: RefusedCredentialsLog;

  constructor(private readonly credentials: ManagementCredentials, private readonly logger: Logger) {
    this.refusals = new RefusedCredentialsLog('web console', logger);
  }

  get user(): string {
    return this.credentials.user;
  }

  /** The refusal for a client that may not see the console (no data in it), or undefined. */
  refusal(req: HttpRequest): HttpReply | undefined {
    if (this.credentials.restrictToLocalhost && !isLocalAddress(req.remoteAddress)) {
      this.logger.warn(`console request from ${req.remoteAddress} refused: com.openexchange.jolokia.restrict.to.localhost=true`);
      return { status: 403, body: 'The console is restricted to localhost (com.openexchange.jolokia.restrict.to.localhost).\n' };
    }
    if (!basicAuthMatches(req.headers.authorization, this.credentials.user, this.credentials.password)) {
      this.refusals.refused(req.clientAddress, req.headers.authorization);
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="oxkernel console", charset="UTF-8"' }, body: '' };
    }
    return undefined;
  }

  /** The CSRF token the page gets in its bootstrap. */
  token(): string {
    return createHmac('sha256', this.secret).update(`console:${this.credentials.user}`).digest('base64url');
  }

  tokenMatches(req: HttpRequest): boolean {
    const sent = req.headers[TOKEN_HEADER];
    if (typeof sent !== 'string') return false;
    const expected = Buffer.from(this.token());
    const given = Buffer.from(sent);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
