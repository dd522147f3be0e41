import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'winston';
import { Connection, type ConnectionOptions } from './connection.js';
import { acceptHandshake, HandshakeRefused, type HandshakeResult, initiateHandshake, type LocalIdentity } from './handshake.js';
import { formatAddress, parseAddress } from './addresses.js';

export interface TlsFiles {
  certificate: string;
  key: string;
  ca: string;
}

export interface TransportOptions extends ConnectionOptions {
  bindHost: string;
  advertiseHost: string;
  port: number;
  portAutoIncrement: boolean;
  /** Local ports for outgoing connections; empty: ephemeral. */
  outboundPorts: number[];
  tls?: TlsFiles;
  handshakeTimeoutMs: number;
  connectTimeoutMs: number;
}

export type InboundHandler = (conn: Connection, result: HandshakeResult) => void;

const PORT_TRIES = 100;
const LOG_WINDOW_MS = 60_000;

/** The grid's TCP listener and dialer; every connection is authenticated by the handshake. */
export class Transport {
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly logged = new Map<string, number>();
  private nextOutbound = 0;
  private readonly tlsContext: { cert: Buffer; key: Buffer; ca: Buffer } | undefined;
  /** `host:port` this member is reachable at, after `listen`. */
  address = '';

  constructor(private readonly options: TransportOptions, private readonly local: LocalIdentity, private readonly logger: Logger) {
    if (options.tls) {
      const read = (what: string, path: string) => {
        try {
          return readFileSync(path);
        } catch (err) {
          throw new Error(`grid TLS ${what} "${path}" cannot be read: ${(err as Error).message}`);
        }
      };
      this.tlsContext = { cert: read('certificate', options.tls.certificate), key: read('key', options.tls.key), ca: read('ca', options.tls.ca) };
    }
    this.nextOutbound = Math.floor(Math.random() * Math.max(1, options.outboundPorts.length));
  }

  /** Binds the listener, trying the following ports when auto-increment is on. */
  async listen(onInbound: InboundHandler): Promise<string> {
    const tries = this.options.portAutoIncrement ? PORT_TRIES : 1;
    let lastError: NodeJS.ErrnoException | undefined;
    for (let i = 0; i < tries; i++) {
      const port = this.options.port + i;
      const server = this.tlsContext
        ? tls.createServer({ ...this.tlsContext, requestCert: true, rejectUnauthorized: true }, (s) => this.accept(s, onInbound))
        : net.createServer((s) => this.accept(s, onInbound));
      if (this.tlsContext) {
        server.on('tlsClientError', (err, s) => this.badPeer(`${s.remoteAddress}`, `TLS handshake failed: ${err.message}`));
      }
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: this.options.bindHost, port, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) => this.logger.error(`grid listener on ${this.address}: ${err.message}`));
        this.server = server;
        this.address = formatAddress(this.options.advertiseHost, port);
        if (i > 0) this.logger.info(`grid port ${this.options.port} was taken; listening on ${this.address} instead`);
        return this.address;
      } catch (err) {
        lastError = err as NodeJS.ErrnoException;
        if (lastError.code !== 'EADDRINUSE') break;
      }
    }
    const range = tries > 1 ? `ports ${this.options.port}-${this.options.port + tries - 1}` : `port ${this.options.port} (portAutoIncrement is off)`;
    throw new Error(`grid cannot listen on ${this.options.bindHost} ${range}: ${lastError?.code ?? lastError?.message}`);
  }

  /**
   * Whether this member has a connection (handshake finished or not) with handshake nonce `nonce`
   * that it `opened` (else accepted) with the member at `address`: a peer asks before it lets a
   * second connection speak for this member. An accepted one comes from an ephemeral port.
   */
  holds(nonce: string, opened: boolean, address: string): boolean {
    const want = parseAddress(address);
    for (const c of this.connections) {
      if (c.outbound !== opened || c.closed || c.nonce !== nonce) continue;
      if (c.socket.remoteAddress?.replace(/^::ffff:/, '') === want.host && (!opened || c.socket.remotePort === want.port)) return true;
    }
    return false;
  }

  /** Opens and authenticates a connection to `address`; rejects on refusal, timeout or I/O error. */
  async connect(address: string): Promise<{ conn: Connection; result: HandshakeResult }> {
    const socket = await this.dial(address);
    const conn = this.track(new Connection(socket, true, this.options));
    try {
      const result = await initiateHandshake(conn, this.local, this.options.handshakeTimeoutMs);
      conn.peer = result.peer;
      return { conn, result };
    } catch (err) {
      if (err instanceof HandshakeRefused) {
        const who = err.byPeer ? `${address} refused this member` : `this member refused ${address}`;
        this.warnOnce(address, err.reason, `grid handshake with ${address} failed: ${who}: ${err.reason}`);
      }
      conn.close(`handshake failed: ${(err as Error).message}`);
      throw err;
    }
  }

  close(): void {
    this.server?.close();
    for (const c of this.connections) c.close('this member is shutting down');
  }

  private accept(socket: net.Socket, onInbound: InboundHandler): void {
    const conn = this.track(new Connection(socket, false, this.options));
    const host = socket.remoteAddress ?? '?';
    conn.onClose((reason, error) => {
      if (error && conn.peer === undefined) this.badPeer(host, reason);
    });
    acceptHandshake(conn, this.local, this.options.handshakeTimeoutMs).then(
      (result) => {
        conn.peer = result.peer;
        onInbound(conn, result);
      },
      (err: Error) => {
        if (err instanceof HandshakeRefused) {
          const who = err.byPeer ? `${conn.remote} refused this member` : `refused ${conn.remote}`;
          this.warnOnce(host, err.reason, `grid handshake from ${conn.remote} failed: ${who}: ${err.reason}`);
        }
        conn.close(err.message, !(err instanceof HandshakeRefused));
      },
    );
  }

  private track(conn: Connection): Connection {
    this.connections.add(conn);
    conn.onClose(() => this.connections.delete(conn));
    return conn;
  }

  /** Garbage on the grid port. */
  private badPeer(host: string, reason: string): void {
    this.warnOnce(host, reason, `grid dropped a connection from ${host}: ${reason}`);
  }

  /** Logged once per remote host and reason (numbers aside) per minute: probing repeats every few seconds. */
  private warnOnce(peer: string, reason: string, message: string): void {
    const k = `${peer} ${reason.replace(/\d+/g, 'N')}`;
    const last = this.logged.get(k);
    const now = Date.now();
    if (last !== undefined && now - last < LOG_WINDOW_MS) return;
    this.logged.set(k, now);
    if (this.logged.size > 1000) this.logged.clear();
    this.logger.warn(message);
  }

  private async dial(address: string): Promise<net.Socket> {
    const { host, port } = parseAddress(address);
    const ports = this.options.outboundPorts;
    const attempts = Math.max(1, Math.min(ports.length, 20));
    let lastError: Error | undefined;
    for (let i = 0; i < attempts; i++) {
      const localPort = ports.length > 0 ? ports[this.nextOutbound++ % ports.length] : undefined;
      try {
        return await this.dialOnce(host, port, localPort);
      } catch (err) {
        lastError = err as Error;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new Error(`cannot connect to ${address}: ${lastError?.message}`);
  }

  private dialOnce(host: string, port: number, localPort: number | undefined): Promise<net.Socket> {
    const localAddress = this.options.bindHost === '0.0.0.0' ? undefined : this.options.bindHost;
    return new Promise((resolve, reject) => {
      const base = { host, port, localAddress, localPort };
      const socket = this.tlsContext
        ? tls.connect({ ...base, ...this.tlsContext, rejectUnauthorized: true, checkServerIdentity: () => undefined })
        : net.connect(base);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      socket.once(this.tlsContext ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
    });
  }
}
