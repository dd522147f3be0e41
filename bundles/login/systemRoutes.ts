import { HttpError, type HttpReply, type HttpRequest } from '../http/api.js';
import type { SessiondService } from '../sessiond/api.js';
import { LoginErrors } from './api.js';
import { requireSession } from './errors.js';
import { type CookieOptions, routing } from './jsessionid.js';

/** `GET /ajax/system?action=whoami&session=ID`: who the session belongs to and which node answered. */
export function whoami(sessiond: SessiondService, route: string, cookies: CookieOptions) {
  return async (req: HttpRequest): Promise<HttpReply> => {
    const action = req.query.get('action');
    if (action !== 'whoami') throw new HttpError(400, LoginErrors.badAction, `unknown action "${action ?? ''}" for /ajax/system (whoami)`);
    const session = await requireSession(req, sessiond);
    const jsession = routing(req, route, cookies);
    const headers: Record<string, string | string[]> = { 'cache-control': 'no-store' };
    if (jsession.setCookie) headers['set-cookie'] = [jsession.setCookie];
    return { json: { session: session.id, user: session.user, route }, headers };
  };
}
