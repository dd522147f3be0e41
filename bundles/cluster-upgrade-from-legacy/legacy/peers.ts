import net from 'node:net';
import type { Logger } from 'winston';
import { LegacyConnection } from './connection.js';
import { type LegacyFrame, LegacyFrameKind } from './frame.js';
import { acceptLegacyHandshake, type LegacyHandshakeResult, type LegacyIdentity, initiateLegacyHandshake, LegacyHandshakeRefused } from './handshake.js';

const HANDSHAKE_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 1000;
const PORT_TRIES = 100;
const LOG_WINDOW_MS = 60_000;

export type LegacyHandler = (fromId: string, payload: unknown) => unknown;

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  memberId: string;
}

/**
 * The bridge's connections to legacy members, as 0.1.0's transport, peers and messaging keep them:
 * authenticated by the 2.0 handshake, service-addressed messages and requests with a deadline.
 * A member may have two connections for a moment (both sides dialled); the legacy side closes one.
 */
export class LegacyPeers {
  private server: net.Server | undefined;
  private readonly byMember = new Map<string, Set<LegacyConnection>>();
  private readonly handlers = new Map<string, LegacyHandler>();
  private readonly calls = new Map<number, PendingCall>();
  private readonly logged = new Map<string, number>();
  private nextCallId = 1;
  private closed = false;
  /** Told when a member's last connection closes. */
  onLost: (memberId: string, reason: string) => void = () => undefined;

  constructor(private readonly identity: () => LegacyIdentity, private readonly bindHost: string, private readonly logger: Logger) {}

  handle(service: string, handler: LegacyHandler): void {
    this.handlers.set(service, handler);
  }

  /** Listens on the first free port from `port`: legacy members whose address sorts first dial the bridge. */
  async listen(port: number): Promise<string> {
    let lastError: NodeJS.ErrnoException | undefined;
    for (let i = 0; i < PORT_TRIES; i++) {
      const server = net.createServer((s) => this.accept(s));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: this.bindHost, port: port + i, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) => this.logger.error(`legacy bridge listener on ${this.bindHost}:${port + i}: ${err.message}`));
        this.server = server;
        return `${this.bindHost}:${port + i}`;
      } catch (err) {
        lastError = err as NodeJS.ErrnoException;
        if (lastError.code !== 'EADDRINUSE') break;
      }
    }
    throw new Error(`legacy bridge cannot listen on ${this.bindHost} ports ${port}-${port + PORT_TRIES - 1}: ${lastError?.code ?? lastError?.message}`);
  }

  connected(memberId: string): boolean {
    return this.open(memberId) !== undefined;
  }

  /** Dials `address` and authenticates; rejects with the reason (refusal, timeout, nothing listening). */
  async connect(address: string): Promise<LegacyHandshakeResult> {
    const socket = await this.dial(address);
    const conn = new LegacyConnection(socket);
    try {
      const result = await initiateLegacyHandshake(conn, this.identity(), HANDSHAKE_TIMEOUT_MS);
      this.adopt(conn, result);
      return result;
    } catch (err) {
      if (err instanceof LegacyHandshakeRefused) {
        const who = err.byPeer ? `${address} refused the bridge` : `the bridge refused ${address}`;
        this.warnOnce(address, err.reason, `legacy bridge: handshake with ${address} failed: ${who}: ${err.reason}`);
      }
      throw err;
    }
  }

  send(memberId: string, service: string, payload: unknown): boolean {
    return this.open(memberId)?.send(LegacyFrameKind.MESSAGE, [service, payload]) ?? false;
  }

  request<R>(memberId: string, address: string, service: string, payload: unknown, timeoutMs: number): Promise<R> {
    const conn = this.open(memberId);
    if (!conn || this.closed) return Promise.reject(new Error(`request "${service}" to legacy member ${address}: not connected`));
    return new Promise<R>((resolve, reject) => {
      const id = this.nextCallId++;
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(new Error(`request "${service}" to legacy member ${address} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, memberId });
      conn.send(LegacyFrameKind.REQUEST, [id, service, payload]);
    });
  }

  close(): void {
    this.closed = true;
    this.server?.close();
    for (const conns of this.byMember.values()) for (const c of conns) c.close('the bridge stops');
    this.failCalls(undefined, 'the bridge stops');
  }

  private open(memberId: string): LegacyConnection | undefined {
    for (const c of this.byMember.get(memberId) ?? []) if (!c.closed) return c;
    return undefined;
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const conn = new LegacyConnection(socket);
    acceptLegacyHandshake(conn, this.identity(), HANDSHAKE_TIMEOUT_MS).then(
      (result) => this.adopt(conn, result),
      // Keyed by host: an outsider opening connection after connection gets one line a minute, not one per port.
      (err: Error) => this.warnOnce(socket.remoteAddress ?? '?', err.message, `legacy bridge: handshake from ${conn.remote} failed: ${err.message}`),
    );
  }

  private adopt(conn: LegacyConnection, result: LegacyHandshakeResult): void {
    const id = result.peer.id;
    conn.peerId = id;
    conn.authenticated();
    const conns = this.byMember.get(id) ?? new Set();
    this.byMember.set(id, conns.add(conn));
    conn.onFrame((frame) => this.receive(conn, frame));
    conn.onClose((reason) => {
      conns.delete(conn);
      if (this.open(id)) return;
      this.failCalls(id, `connection to legacy member ${result.peer.address} lost (${reason})`);
      if (!this.closed) this.onLost(id, reason);
    });
    for (const f of result.backlog) this.receive(conn, f);
  }

  private failCalls(memberId: string | undefined, why: string): void {
    for (const [id, call] of this.calls) {
      if (memberId !== undefined && call.memberId !== memberId) continue;
      this.calls.delete(id);
      clearTimeout(call.timer);
      call.reject(new Error(why));
    }
  }

  private receive(conn: LegacyConnection, frame: LegacyFrame): void {
    const body = frame.body as unknown[];
    if (!Array.isArray(body)) return conn.close(`a ${frame.kind} frame whose body is not a list`);
    switch (frame.kind) {
      case LegacyFrameKind.MESSAGE:
        this.run(conn.peerId, body[0], body[1]);
        return;
      case LegacyFrameKind.REQUEST: {
        const id = body[0];
        const reply = (ok: boolean, value: unknown) => conn.send(LegacyFrameKind.RESPONSE, [id, ok, value]);
        try {
          const r = this.run(conn.peerId, body[1], body[2], true);
          Promise.resolve(r).then((v) => reply(true, v), (err: Error) => reply(false, err.message));
        } catch (err) {
          reply(false, (err as Error).message);
        }
        return;
      }
      case LegacyFrameKind.RESPONSE: {
        const call = this.calls.get(body[0] as number);
        if (!call) return;
        this.calls.delete(body[0] as number);
        clearTimeout(call.timer);
        if (body[1]) call.resolve(body[2]);
        else call.reject(new Error(`${String(body[2])} (on legacy member ${conn.remote})`));
        return;
      }
      default:
        conn.close(`unexpected frame kind ${frame.kind} after the handshake`);
    }
  }

  /** Runs a service's handler; a request for a service the bridge does not serve is answered as 0.1.0 does. */
  private run(fromId: string, service: unknown, payload: unknown, request = false): unknown {
    const handler = this.handlers.get(String(service));
    if (!handler) {
      if (request) throw new Error(`no handler for service "${String(service)}"`);
      return undefined;
    }
    return handler(fromId, payload);
  }

  private dial(address: string): Promise<net.Socket> {
    const at = address.lastIndexOf(':');
    const host = at > 0 ? address.slice(0, at) : address;
    const port = at > 0 ? Number(address.slice(at + 1)) : 5701;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress: this.bindHost === '0.0.0.0' ? undefined : this.bindHost });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`cannot connect to legacy member ${address}: no connection within ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`cannot connect to legacy member ${address}: ${err.code ?? err.message}`));
      });
    });
  }

  /** Once per peer and reason (numbers aside) per minute: the bridge retries every second. */
  private warnOnce(peer: string, reason: string, message: string): void {
    const key = `${peer} ${reason.replace(/\d+/g, 'N')}`;
    const last = this.logged.get(key);
    const now = Date.now();
    if (last !== undefined && now - last < LOG_WINDOW_MS) return;
    this.logged.set(key, now);
    if (this.logged.size > 1000) this.logged.clear();
    this.logger.warn(message);
  }
}
