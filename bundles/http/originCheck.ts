import type { HttpRequest } from './api.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request changes state when its route does not say: every method but GET, HEAD, OPTIONS. */
export function changesStateByMethod(req: HttpRequest): boolean {
  return !SAFE_METHODS.has(req.method);
}

/** `https://mail.example.com` style entries of `com.openexchange.connector.allowedOrigins`, as origins. */
export function parseAllowedOrigins(value: string): Set<string> {
  const origins = new Set<string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`"${entry}" is not an origin (scheme://host[:port])`);
    }
    if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash || url.username) throw new Error(`"${entry}" is not an origin (scheme://host[:port])`);
    origins.add(url.origin);
  }
  return origins;
}

/** `host[:port]` as the URL parser writes it for `scheme` (default port dropped, lower case); undefined when malformed. */
function authority(scheme: string, hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`${scheme}//${hostHeader}`).host;
  } catch {
    return undefined;
  }
}

/**
 * The Origin/Referer check of state-changing requests (login CSRF, cross-origin Jolokia exec).
 * A request without Origin and Referer is no browser's cross-site request (curl, server to server,
 * the oxk CLI) and passes; otherwise its origin must name the host the request was sent to (Host,
 * or the first X-Forwarded-Host a proxy set; a browser cannot set either cross-site) or be one
 * of the allowed origins.
 */
export class OriginPolicy {
  constructor(private readonly allowed: ReadonlySet<string>) {}

  /** Why the request is refused, or undefined when it may go on. */
  refusal(req: HttpRequest): string | undefined {
    const origin = header(req, 'origin');
    const claimed = origin ?? header(req, 'referer');
    if (claimed === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(claimed);
    } catch {
      return `${origin === undefined ? 'Referer' : 'Origin'} ${JSON.stringify(claimed.slice(0, 200))} is not a URL`;
    }
    if (url.origin !== 'null' && this.allowed.has(url.origin)) return undefined;
    const forwarded = header(req, 'x-forwarded-host')?.split(',')[0]?.trim();
    const own = [authority(url.protocol, header(req, 'host')), authority(url.protocol, forwarded)];
    if (url.origin !== 'null' && own.includes(url.host)) return undefined;
    return `origin ${JSON.stringify(url.origin)} is neither this host nor an allowed origin`;
  }
}

function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
