import type { IncomingMessage } from 'node:http';
import { HttpError, type HttpRequest } from './api.js';

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

/** Cookie header to a map; malformed pairs are skipped, the first of two equal names wins (RFC 6265). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, 'HTTP-0413', `request body of ${declared} bytes exceeds the limit of ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new HttpError(413, 'HTTP-0413', `request body exceeds the limit of ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The handler-facing view of a request. */
export function toHttpRequest(req: IncomingMessage, bodyLimit: number): HttpRequest {
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
    remoteAddress: req.socket.remoteAddress ?? '',
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
