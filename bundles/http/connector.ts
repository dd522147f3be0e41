import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'winston';
import { type HealthSection, HttpError, type HttpHandler, type HttpReply, type HttpRequest, type HttpService, type RouteOptions } from './api.js';
import { ClientAbortError } from './body.js';
import { clientAddress } from './clientAddress.js';
import { changesStateByMethod, OriginPolicy } from './originCheck.js';
import { RateLimitedLog } from './rateLimitedLog.js';
import { toHttpRequest } from './request.js';
import { Router } from './router.js';

export interface ConnectorOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** Origins besides the request's own host that state-changing requests may come from. */
  allowedOrigins?: ReadonlySet<string>;
  /** Proxies (e.g. Apache) whose `X-Forwarded-For` names the client. */
  knownProxies?: ReadonlySet<string>;
}

function send(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
  let body: string | Buffer | undefined = reply.body;
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (body !== undefined) headers['content-type'] ??= 'text/plain; charset=utf-8';
  // No reason phrase of ours: Node writes the standard one for the status.
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/** The node's HTTP connector: routes contributed by bundles, JSON errors, size limits. */
export class HttpConnector implements HttpService {
  private readonly router = new Router();
  private readonly sections = new Map<string, () => HealthSection>();
  private readonly healthTrust = new Set<(req: HttpRequest) => boolean>();
  /** Bundles stopping or stopped: their routes answer 503 from the moment `stop` begins, before they are withdrawn. */
  private readonly inactive = new Set<string>();
  private readonly sockets = new Set<Socket>();
  /** Peer addresses read when a connection opens: once a client has reset it, the socket cannot tell any more. */
  private readonly peers = new WeakMap<Socket, string>();
  private readonly origins: OriginPolicy;
  private readonly refusals: RateLimitedLog;
  private readonly clientTrouble: RateLimitedLog;
  private server?: Server;

  constructor(private readonly options: ConnectorOptions, private readonly logger: Logger) {
    this.origins = new OriginPolicy(options.allowedOrigins ?? new Set());
    this.refusals = new RateLimitedLog(logger, 'warn');
    this.clientTrouble = new RateLimitedLog(logger, 'debug');
  }

  get address(): { host: string; port: number } {
    return { host: this.options.host, port: this.options.port };
  }

  /** Adds a route for `bundle` (empty: the connector's own); the returned function withdraws it, leaving a "bundle stopped" answer. */
  route(method: string, path: string, handler: HttpHandler, options?: RouteOptions, bundle = ''): () => void {
    const route = { handler, changesState: options?.changesState ?? changesStateByMethod, bundle };
    const prefix = options?.prefix ?? false;
    this.router.add(method, path, route, prefix);
    return () => this.router.withdraw(method, path, route, prefix);
  }

  /** Tells the connector a bundle's state: while it is not ACTIVE or STARTING its routes answer 503. */
  bundleActive(bundle: string, active: boolean): void {
    if (active) this.inactive.delete(bundle);
    else this.inactive.add(bundle);
  }

  trustHealthCaller(check: (req: HttpRequest) => boolean): () => void {
    this.healthTrust.add(check);
    return () => this.healthTrust.delete(check);
  }

  /** Whether a trust check accepts the caller (a check that throws accepts nobody). */
  trustedForHealth(req: HttpRequest): boolean {
    return [...this.healthTrust].some((check) => {
      try {
        return check(req);
      } catch {
        return false;
      }
    });
  }

  addHealthSection(name: string, section: () => HealthSection): () => void {
    if (this.sections.has(name)) throw new Error(`health section "${name}" is already registered`);
    this.sections.set(name, section);
    return () => {
      if (this.sections.get(name) === section) this.sections.delete(name);
    };
  }

  healthSections(): Map<string, () => HealthSection> {
    return this.sections;
  }

  async listen(): Promise<void> {
    const server = createServer({ maxHeaderSize: this.options.maxHeaderBytes, keepAliveTimeout: 30_000 }, (req, res) => {
      void this.dispatch(req, res);
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      // A reset or a connection closed mid-request is the client leaving; a request it interrupted logs that itself.
      if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE') {
        socket.destroy();
        return;
      }
      this.clientTrouble.log(`rejected a malformed request from ${this.peers.get(socket) ?? 'an unknown address'}: ${err.code ?? err.message}`);
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      // Node's parser gave up, so there is no response object: the status line is written here, with Node's reason phrase.
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\nX-Content-Type-Options: nosniff\r\n\r\n`);
      } else socket.destroy();
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      this.peers.set(socket, socket.remoteAddress ?? '');
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EADDRNOTAVAIL' ? 'address not available on this machine' : err.message;
        reject(new Error(`cannot listen on ${this.options.host}:${this.options.port}: ${why}`));
      });
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    this.logger.info(`HTTP connector listening on ${this.options.host}:${this.options.port}`);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // On every answer: browsers must not guess a content type (a JSON error rendered as HTML).
    res.setHeader('x-content-type-options', 'nosniff');
    const peer = this.peers.get(req.socket) ?? req.socket.remoteAddress ?? '';
    const client = clientAddress(peer, req.headers['x-forwarded-for'], this.options.knownProxies ?? new Set());
    const request = toHttpRequest(req, this.options.maxBodyBytes, { remote: peer, client });
    const { route, methodMismatch } = this.router.match(request.method, request.path);
    // Only error paths describe the request: not built for every request.
    const what = () => `${request.method} ${JSON.stringify(request.path.slice(0, 200))} from ${request.clientAddress}`;
    try {
      if (!route) {
        throw methodMismatch
          ? new HttpError(405, 'HTTP-0405', `method ${request.method} is not allowed on ${request.path}`)
          : new HttpError(404, 'HTTP-0404', `no resource at ${request.path}`);
      }
      if (route.stopped || this.inactive.has(route.bundle)) {
        throw new HttpError(503, 'BUNDLE_STOPPED', `bundle "${route.bundle}" is stopped: ${request.path} is not available until it is started again`);
      }
      const refusal = route.changesState(request) ? this.origins.refusal(request) : undefined;
      if (refusal !== undefined) {
        this.refusals.log(`refused cross-origin ${what()}: ${refusal}`);
        throw new HttpError(403, 'HTTP-0403', 'cross-origin request refused: the Origin (or Referer) is neither this host nor an allowed origin');
      }
      const reply = await route.handler(request, res);
      if (reply) send(res, reply);
    } catch (err) {
      if (err instanceof ClientAbortError) {
        this.clientTrouble.log(`${what()}: ${err.message}`);
        return;
      }
      if (err instanceof HttpError) {
        send(res, { status: err.status, headers: err.headers, json: { error: err.message, code: err.code } });
        return;
      }
      this.logger.error(`${what()} failed: ${(err as Error).stack ?? String(err)}`);
      send(res, { status: 500, json: { error: 'internal error', code: 'HTTP-0500' } });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Connections still busy after a grace period are cut so stop() keeps its deadline.
    const cut = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, 2000);
    await closed;
    clearTimeout(cut);
  }
}
