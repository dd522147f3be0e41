import type { Logger } from 'winston';
import type { AuthenticationService } from '../auth-file/api.js';
import { HttpError, type HttpReply, type HttpRequest } from '../http/api.js';
import { RateLimitedLog } from '../http/rateLimitedLog.js';
import type { Session, SessiondService } from '../sessiond/api.js';
import { DEFAULT_CLIENT, LoginErrors, secretCookieName } from './api.js';
import { param, requireSession, sessiondCall } from './errors.js';
import { cookie, type CookieOptions, routing } from './jsessionid.js';
import type { LoginThrottle } from './loginThrottle.js';

export interface LoginDeps {
  auth: AuthenticationService;
  sessiond: SessiondService;
  route: string;
  cookies: CookieOptions;
  /** Where a token login redirects to, e.g. `/appsuite/`. */
  uiWebPath: string;
  throttle: LoginThrottle;
  logger: Logger;
}

const ANY = /^[^\u0000-\u001f]*$/u;
const CLIENT = /^[A-Za-z0-9._-]+$/;
const TOKEN = /^[A-Za-z0-9._~-]+$/;
const HEX32 = /^[0-9a-f]{32}$/;
const NO_STORE = { 'cache-control': 'no-store' };

function setCookies(...values: (string | undefined)[]): Record<string, string[]> {
  return { 'set-cookie': values.filter((v): v is string => v !== undefined) };
}

/** `/ajax/login`: login, logout, tokenLogin, tokens. */
export class LoginRoutes {
  private readonly failures: RateLimitedLog;
  private readonly throttled: RateLimitedLog;

  constructor(private readonly d: LoginDeps) {
    this.failures = new RateLimitedLog(d.logger, 'warn');
    this.throttled = new RateLimitedLog(d.logger, 'warn');
  }

  async post(req: HttpRequest): Promise<HttpReply> {
    const action = req.query.get('action');
    if (action === 'login') return this.login(req);
    if (action === 'tokenLogin') return this.tokenLogin(req);
    throw new HttpError(400, LoginErrors.badAction, `unknown action "${action ?? ''}" for POST /ajax/login (login, tokenLogin)`);
  }

  async get(req: HttpRequest): Promise<HttpReply> {
    const action = req.query.get('action');
    if (action === 'logout') return this.logout(req);
    if (action === 'tokens') return this.tokens(req);
    if (action === 'login' || action === 'tokenLogin') throw new HttpError(400, LoginErrors.badAction, `action=${action} needs POST (credentials never go in a URL)`);
    throw new HttpError(400, LoginErrors.badAction, `unknown action "${action ?? ''}" for GET /ajax/login (logout, tokens)`);
  }

  /**
   * Checks name and password, throttled per user and per address (see LoginThrottle): while
   * throttled the answer is 429 whatever the password. Failures are logged without the password.
   */
  private async authenticate(req: HttpRequest, form: URLSearchParams, nameField: string): Promise<{ user: string; client: string }> {
    const name = param(form.get(nameField) ?? form.get(nameField === 'name' ? 'login' : 'name'), nameField, ANY, 256);
    const password = param(form.get('password'), 'password', ANY, 1024);
    const client = param(form.get('client'), 'client', CLIENT, 64) ?? DEFAULT_CLIENT;
    if (name === undefined || password === undefined) throw new HttpError(400, LoginErrors.missingCredentials, `"${nameField}" and "password" are required`);
    const who = `user ${JSON.stringify(name)} from ${req.clientAddress}`;
    // Checked before the password too, so a throttled attacker costs no scrypt derivation.
    this.refuseWhileThrottled(who, this.d.throttle.wait(name, req.clientAddress));
    const user = await this.d.auth.authenticate(name, password);
    if (!user) {
      this.failures.log(`failed login for ${who}`);
      this.refuseWhileThrottled(who, this.d.throttle.failed(name, req.clientAddress));
      throw new HttpError(401, LoginErrors.invalidCredentials, 'the user name or password is wrong');
    }
    // Failures of parallel attempts may have emptied a bucket meanwhile: then a right password gets the same 429.
    this.refuseWhileThrottled(who, this.d.throttle.wait(name, req.clientAddress));
    return { user: user.name, client };
  }

  private refuseWhileThrottled(who: string, waitMs: number): void {
    if (waitMs <= 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    this.throttled.log(`login refused for ${who}: too many failed logins, retry in ${seconds} s`);
    throw new HttpError(429, LoginErrors.tooManyFailedLogins, `too many failed logins for this user or from this address; retry in ${seconds} s`, { 'retry-after': String(seconds) });
  }

  private secretCookie(s: Session): string {
    return cookie(secretCookieName(s.client), s.secret, this.d.cookies);
  }

  private async login(req: HttpRequest): Promise<HttpReply> {
    const { user, client } = await this.authenticate(req, await req.form(), 'name');
    const session = await sessiondCall(() => this.d.sessiond.create(user, client));
    const jsession = routing(req, this.d.route, this.d.cookies, true);
    return { json: { session: session.id, user: session.user }, headers: { ...NO_STORE, ...setCookies(jsession.setCookie, this.secretCookie(session)) } };
  }

  private async logout(req: HttpRequest): Promise<HttpReply> {
    const session = await requireSession(req, this.d.sessiond);
    await sessiondCall(() => this.d.sessiond.logout(session.id));
    const expired = cookie(secretCookieName(session.client), '', this.d.cookies, 0);
    return { json: { session: session.id, loggedOut: true }, headers: { ...NO_STORE, ...setCookies(expired) } };
  }

  /** Creates the session and a server token, and redirects with `;jsessionid=` so the next step reaches this node. */
  private async tokenLogin(req: HttpRequest): Promise<HttpReply> {
    const form = await req.form();
    const clientToken = param(form.get('clientToken'), 'clientToken', TOKEN, 128);
    if (clientToken === undefined) throw new HttpError(400, LoginErrors.badParameter, '"clientToken" is required');
    const { user, client } = await this.authenticate(req, form, 'login');
    const session = await sessiondCall(() => this.d.sessiond.create(user, client));
    const serverToken = this.d.sessiond.createTokens(session, clientToken);
    const jsession = routing(req, this.d.route, this.d.cookies, true);
    const location = `${this.d.uiWebPath};jsessionid=${jsession.value}#serverToken=${serverToken}&user=${encodeURIComponent(user)}`;
    const headers = { ...NO_STORE, ...setCookies(jsession.setCookie) };
    if (form.get('jsonResponse') === 'true') return { json: { serverToken, jsessionid: jsession.value, url: location }, headers };
    return { status: 302, headers: { ...headers, location }, body: '' };
  }

  /** Redeems a token pair on the node that issued it: the session id plus its secret cookie. */
  private async tokens(req: HttpRequest): Promise<HttpReply> {
    const clientToken = param(req.query.get('clientToken'), 'clientToken', TOKEN, 128);
    const serverToken = param(req.query.get('serverToken'), 'serverToken', HEX32, 32);
    if (clientToken === undefined || serverToken === undefined) throw new HttpError(400, LoginErrors.badParameter, '"clientToken" and "serverToken" are required');
    const session = await sessiondCall(() => this.d.sessiond.redeemTokens(clientToken, serverToken));
    if (!session) {
      this.d.logger.debug(`token login: server token ${serverToken.slice(0, 8)}… unknown here (route ${this.d.route}), used, expired or not matching`);
      throw new HttpError(403, LoginErrors.tokenInvalid, 'the token is unknown on this node, already used, expired or does not match');
    }
    const jsession = routing(req, this.d.route, this.d.cookies);
    return { json: { session: session.id, user: session.user }, headers: { ...NO_STORE, ...setCookies(jsession.setCookie, this.secretCookie(session)) } };
  }
}
