import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'winston';
import { type HealthSection, HttpError, type HttpHandler, type HttpReply, type HttpService } from './api.js';
import { toHttpRequest } from './request.js';
import { Router } from './router.js';

export interface ConnectorOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
}

function send(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
  let body: string | Buffer | undefined = reply.body;
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (body !== undefined) headers['content-type'] ??= 'text/plain; charset=utf-8';
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/** The node's HTTP connector: routes registered by bundles, JSON errors, size limits. */
export class HttpConnector implements HttpService {
  private readonly router = new Router();
  private readonly sections = new Map<string, () => HealthSection>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  constructor(private readonly options: ConnectorOptions, private readonly logger: Logger) {}

  get address(): { host: string; port: number } {
    return { host: this.options.host, port: this.options.port };
  }

  route(method: string, path: string, handler: HttpHandler, options?: { prefix?: boolean }): void {
    this.router.add(method, path, handler, options?.prefix ?? false);
  }

  addHealthSection(name: string, section: () => HealthSection): void {
    if (this.sections.has(name)) throw new Error(`health section "${name}" is already registered`);
    this.sections.set(name, section);
  }

  healthSections(): Map<string, () => HealthSection> {
    return this.sections;
  }

  async listen(): Promise<void> {
    const server = createServer({ maxHeaderSize: this.options.maxHeaderBytes, keepAliveTimeout: 30_000 }, (req, res) => {
      void this.dispatch(req, res);
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      this.logger.debug(`rejected a malformed request from ${socket.remoteAddress}: ${err.code ?? err.message}`);
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      if (socket.writable) socket.end(`HTTP/1.1 ${status} Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
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
    const request = toHttpRequest(req, this.options.maxBodyBytes);
    const { handler, methodMismatch } = this.router.match(request.method, request.path);
    try {
      if (!handler) {
        throw methodMismatch
          ? new HttpError(405, 'HTTP-0405', `method ${request.method} is not allowed on ${request.path}`)
          : new HttpError(404, 'HTTP-0404', `no resource at ${request.path}`);
      }
      const reply = await handler(request, res);
      if (reply) send(res, reply);
    } catch (err) {
      if (err instanceof HttpError) {
        send(res, { status: err.status, json: { error: err.message, code: err.code } });
        return;
      }
      this.logger.error(`${request.method} ${request.path} failed: ${(err as Error).stack ?? String(err)}`);
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
