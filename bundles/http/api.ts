import type { IncomingMessage, ServerResponse } from 'node:http';
import { extensionPoint } from '../../core/extensionPoint.js';
import { serviceToken } from '../../core/serviceToken.js';

/** A request as handlers see it. `path` has its `;name=value` path parameters removed. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** `;jsessionid=...` style parameters of the last path segment, lower-cased names. */
  readonly pathParams: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  readonly cookies: ReadonlyMap<string, string>;
  readonly headers: IncomingMessage['headers'];
  /** The socket's peer (a proxy, when there is one in front). */
  readonly remoteAddress: string;
  /** The client: `remoteAddress`, or behind a known proxy the address it forwarded (`X-Forwarded-For`). */
  readonly clientAddress: string;
  /** The body, limited to the connector's maximum; rejects with HttpError 413 past it. */
  body(): Promise<Buffer>;
  /** An `application/x-www-form-urlencoded` or JSON body as fields. */
  form(): Promise<URLSearchParams>;
  readonly raw: IncomingMessage;
}

export interface HttpReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Serialized as JSON with `application/json`. */
  json?: unknown;
  /** Sent as is; `text/plain` unless a content-type header is given. */
  body?: string | Buffer;
}

/** Return a reply, or write to `res` yourself and return undefined. */
export type HttpHandler = (req: HttpRequest, res: ServerResponse) => Promise<HttpReply | void> | HttpReply | void;

/** Thrown by handlers for a client error; the connector answers `{error, code}` with the status and `headers`. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export interface RouteOptions {
  /** Every path below `path` (e.g. `/monitoring/jolokia/...`). */
  prefix?: boolean;
  /**
   * Whether a request changes state, so that the connector checks its Origin/Referer against the
   * allowed origins before the handler sees it. Default: every method but GET, HEAD and OPTIONS.
   */
  changesState?: (req: HttpRequest) => boolean;
}

/** One section of `/health`; the node is UP only while every section is up. */
export interface HealthSection {
  up: boolean;
  details: Record<string, unknown>;
  /**
   * The fields of `details` anyone may see (counts). Every other field is a detail, shown only to
   * loopback callers and to callers the trust checks accept (see `trustHealthCaller`).
   */
  publicFields?: readonly string[];
}

export interface HttpService {
  readonly address: { host: string; port: number };
}

/** A route a bundle adds with `ctx.contribute(HTTP_ROUTES, ...)`; once the bundle stops it answers 503 `BUNDLE_STOPPED`. */
export interface RouteContribution {
  method: string;
  /** Exact path, or every path below it when `options.prefix` is set (e.g. `/monitoring/jolokia`). */
  path: string;
  handler: HttpHandler;
  options?: RouteOptions;
}

/** One named section of `/health`, e.g. the grid's `grid` section. */
export interface HealthContribution {
  name: string;
  section: () => HealthSection;
}

/** Lets callers that pass the check (e.g. management's credentials) see every `/health` detail from any address. */
export type HealthTrustCheck = (req: HttpRequest) => boolean;

export const HTTP_SERVICE = serviceToken<HttpService>('http');
export const HTTP_ROUTES = extensionPoint<RouteContribution>('http.routes');
export const HEALTH_SECTIONS = extensionPoint<HealthContribution>('http.health');
export const HEALTH_TRUST = extensionPoint<HealthTrustCheck>('http.healthTrust');
