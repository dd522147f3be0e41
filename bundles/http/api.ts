import type { IncomingMessage, ServerResponse } from 'node:http';
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
  /** Exact path, or every path below `path` when `prefix` is set (e.g. `/monitoring/jolokia`). */
  route(method: string, path: string, handler: HttpHandler, options?: RouteOptions): void;
  /** Adds `name` to `/health`, e.g. the grid's `grid` section. */
  addHealthSection(name: string, section: () => HealthSection): void;
  /** Lets callers that pass `check` (e.g. management's credentials) see every `/health` detail from any address. */
  trustHealthCaller(check: (req: HttpRequest) => boolean): void;
  readonly address: { host: string; port: number };
}

export const HTTP_SERVICE = serviceToken<HttpService>('http');
