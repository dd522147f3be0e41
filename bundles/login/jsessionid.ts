import { randomBytes } from 'node:crypto';
import { serialize } from 'cookie';
import type { HttpRequest } from '../http/api.js';
import { JSESSIONID } from './api.js';

export interface CookieOptions {
  secure: boolean;
  sameSite: string;
}

/** `<digits>.<route>`; the route cannot hold `;`, `,` or whitespace (the kernel validates ours). */
const FORMAT = /^(\d{1,32})\.([^\s;,]{1,64})$/;

function newJsessionId(route: string): string {
  return `${randomBytes(8).readBigUInt64BE()}.${route}`;
}

function routeOf(value: string): string | undefined {
  return FORMAT.exec(value)?.[2];
}

/**
 * A `Set-Cookie` value (the `cookie` package). Values are written as they are, not percent-encoded:
 * Apache's sticky sessions compare the route in the raw value. One a cookie cannot carry throws.
 */
export function cookie(name: string, value: string, opts: CookieOptions, maxAgeSeconds?: number): string {
  return serialize(name, value, {
    encode: (v) => v,
    path: '/',
    httpOnly: true,
    sameSite: opts.sameSite.toLowerCase() as 'lax' | 'strict' | 'none',
    secure: opts.secure,
    maxAge: maxAgeSeconds,
  });
}

/**
 * The JSESSIONID a request carries (cookie first, then the `;jsessionid=` path parameter) and
 * the cookie to set: a new value when it is missing, malformed or names another node's route
 * (the load balancer then routes the session here from now on); the path parameter's value as
 * a cookie when it came only in the path.
 */
export function routing(req: HttpRequest, route: string, opts: CookieOptions, fresh = false): { value: string; setCookie?: string } {
  const fromCookie = req.cookies.get(JSESSIONID);
  const current = fromCookie ?? req.pathParams.get('jsessionid');
  if (!fresh && current !== undefined && routeOf(current) === route) {
    return { value: current, setCookie: fromCookie === undefined ? cookie(JSESSIONID, current, opts) : undefined };
  }
  const value = newJsessionId(route);
  return { value, setCookie: cookie(JSESSIONID, value, opts) };
}
