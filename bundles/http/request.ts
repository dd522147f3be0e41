import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { HttpError, type HttpRequest } from './api.js';
import { readBody } from './body.js';

/** Splits `/a/b;jsessionid=1.OX1` into the path and its `;name=value` parameters (names lower-cased). */
export function splitPathParams(rawPath: string): { path: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const cut = rawPath.indexOf(';');
  if (cut < 0) return { path: rawPath, params };
  for (const part of rawPath.slice(cut + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  return { path: rawPath.slice(0, cut), params };
}

/** Values as sent, without surrounding quotes: our cookies are written without encoding (`setCookie`). */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * Cookie header to a map (the `cookie` package): pairs without `=` or without a name are skipped,
 * the first of two equal names wins (RFC 6265), values are unquoted, not percent-decoded.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const [name, value] of Object.entries(parseCookie(header, { decode: unquote }))) {
    if (name !== '' && value !== undefined) cookies.set(name, value);
  }
  return cookies;
}

/** The handler-facing view of a request. */
export function toHttpRequest(req: IncomingMessage, bodyLimit: number, addresses: { remote: string; client: string }): HttpRequest {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const { path, params } = splitPathParams(q < 0 ? rawUrl : rawUrl.slice(0, q));
  let bodyPromise: Promise<Buffer> | undefined;
  const body = () => (bodyPromise ??= readBody(req, bodyLimit));
  return {
    method: req.method ?? 'GET',
    path,
    pathParams: params,
    query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
    cookies: parseCookies(req.headers.cookie),
    headers: req.headers,
    remoteAddress: addresses.remote,
    clientAddress: addresses.client,
    body,
    async form() {
      const buf = await body();
      const type = String(req.headers['content-type'] ?? '');
      if (!type.includes('application/json')) return new URLSearchParams(buf.toString('utf8'));
      let parsed: unknown;
      try {
        parsed = JSON.parse(buf.toString('utf8'));
      } catch {
        throw new HttpError(400, 'HTTP-0400', 'request body is not valid JSON');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'HTTP-0400', 'JSON body must be an object');
      return new URLSearchParams(Object.entries(parsed as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
    },
    raw: req,
  };
}
