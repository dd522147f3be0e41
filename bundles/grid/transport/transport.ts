import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'winston';
import { Connection, type ConnectionOptions } from './connection.js';
import { acceptHandshake, deriveGroupKey, type HandshakeIdentity, HandshakeRefused, type HandshakeResult, initiateHandshake, type LocalIdentity } from './handshake.js';
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
  /** Deadline from accept (or connect) for the handshake, TLS included. */
  handshakeTimeoutMs: number;
  connectTimeoutMs: number;
  /** Inbound connections still in handshake (TLS or grid) at once, in all; more are closed at once. */
  maxPendingHandshakes: number;
  /** The same per remote address. */
  maxPendingHandshakesPerAddress: number;
}

export type InboundHandler = (conn: Connection, result: HandshakeResult) => void;

const PORT_TRIES = 100;
const LOG_WINDOW_MS = 60_000;
/**
 * Refusal reasons can carry what a peer sent (a group name, a message type, a field name), so
 * besides once per reason, lines are capped per remote host and in all per window.
 */
const LOG_LINES_PER_HOST = 10;
const LOG_LINES_IN_ALL = 100;

/** The grid's TCP listener and dialer; every connection is authenticated by the handshake. */
export class Transport {
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly logged = new Map<string, number>();
  /** Lines logged per remote host (and `*`: in all) in the current window. */
  private readonly logBudget = new Map<string, { since: number; lines: number }>();
  private nextOutbound = 0;
  private readonly tlsContext: { cert: Buffer; key: Buffer; ca: Buffer } | undefined;
  /** `host:port` this member is reachable at, after `listen`. */
  address = '';
  /** The group key, derived once (scrypt, ~0.1 s) when the transport is created. */
  private readonly identity: Promise<HandshakeIdentity>;
  private key: HandshakeIdentity | undefined;
  /** Inbound connections in handshake: in all and per remote address; `remote host:port` → release. */
  private pendingTotal = 0;
  private readonly pendingByHost = new Map<string, number>();
  private readonly pendingRelease = new Map<string, () => void>();
  /** How long the group key's derivation took (ms), for the start-up log and the bench. */
  keyDerivationMs = 0;

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
    const started = performance.now();
    this.identity = deriveGroupKey(local.password, local.clusterName).then((key) => {
      this.keyDerivationMs = performance.now() - started;
      this.key = { clusterName: local.clusterName, key, member: local.member, status: local.status };
      return this.key;
    });
  }

  /** Binds the listener, trying the following ports when auto-increment is on. */
  async listen(onInbound: InboundHandler): Promise<string> {
    await this.identity;
    const tries = this.options.portAutoIncrement ? PORT_TRIES : 1;
    let lastError: NodeJS.ErrnoException | undefined;
    for (let i = 0; i < tries; i++) {
      const port = this.options.port + i;
      const server = this.tlsContext
        ? tls.createServer({ ...this.tlsContext, requestCert: true, rejectUnauthorized: true, handshakeTimeout: this.options.handshakeTimeoutMs }, (s) => this.accept(s, onInbound))
        : net.createServer((s) => this.accept(s, onInbound));
      // Admission before anything is read (before TLS, too): a bounded number of connections in handshake.
      server.prependListener('connection', (raw: net.Socket) => this.admit(raw));
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
   * Whether this member has a connection (handshake finished or not, open or draining) with handshake nonce `nonce`
   * that it `opened` (else accepted) with the member at `address`: a peer asks before it lets a
   * second connection speak for this member. An accepted one comes from an ephemeral port.
   */
  holds(nonce: string, opened: boolean, address: string): boolean {
    const want = parseAddress(address);
    for (const c of this.connections) {
      // One this member dropped as a duplicate is still its own while it drains: the peer may hold frames it sent on it.
      if (c.outbound !== opened || !c.delivering || c.nonce !== nonce) continue;
      if (c.socket.remoteAddress?.replace(/^::ffff:/, '') === want.host && (!opened || c.socket.remotePort === want.port)) return true;
    }
    return false;
  }

  /** Opens and authenticates a connection to `address`; rejects on refusal, timeout or I/O error. */
  async connect(address: string): Promise<{ conn: Connection; result: HandshakeResult }> {
    const identity = await this.identity;
    const socket = await this.dial(address);
    const conn = this.track(new Connection(socket, true, this.options));
    try {
      const result = await initiateHandshake(conn, identity, this.options.handshakeTimeoutMs);
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

  /**
   * Counts a new inbound connection as in handshake until it is authenticated or closed; one beyond
   * `maxPendingHandshakes` in all or `maxPendingHandshakesPerAddress` from its address is closed at once.
   */
  private admit(raw: net.Socket): void {
    const host = raw.remoteAddress ?? '?';
    const key = `${host} ${raw.remotePort ?? '?'}`;
    const fromHost = this.pendingByHost.get(host) ?? 0;
    const o = this.options;
    if (this.pendingTotal >= o.maxPendingHandshakes || fromHost >= o.maxPendingHandshakesPerAddress) {
      raw.destroy();
      const why = this.pendingTotal >= o.maxPendingHandshakes
        ? `too many connections in handshake (${o.maxPendingHandshakes} in all: network.handshake.maxPending)`
        : `too many connections in handshake from one address (${o.maxPendingHandshakesPerAddress}: network.handshake.maxPendingPerAddress)`;
      this.badPeer(host, why);
      return;
    }
    this.pendingTotal++;
    this.pendingByHost.set(host, fromHost + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.pendingTotal--;
      const left = (this.pendingByHost.get(host) ?? 1) - 1;
      if (left > 0) this.pendingByHost.set(host, left);
      else this.pendingByHost.delete(host);
      if (this.pendingRelease.get(key) === release) this.pendingRelease.delete(key);
      clearTimeout(deadline);
    };
    this.pendingRelease.set(key, release);
    raw.once('close', release);
    // The deadline from accept covers a TLS handshake too; the grid handshake has its own (same) timer.
    const deadline = setTimeout(() => raw.destroy(), o.handshakeTimeoutMs + 1000);
    deadline.unref();
  }

  private released(socket: net.Socket): void {
    this.pendingRelease.get(`${socket.remoteAddress ?? '?'} ${socket.remotePort ?? '?'}`)?.();
  }

  private accept(socket: net.Socket, onInbound: InboundHandler): void {
    const conn = this.track(new Connection(socket, false, this.options));
    const host = socket.remoteAddress ?? '?';
    conn.onClose((reason, error) => {
      if (error && conn.peer === undefined) this.badPeer(host, reason);
    });
    acceptHandshake(conn, this.key!, this.options.handshakeTimeoutMs).then(
      (result) => {
        this.released(socket);
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
    if (!this.spend(peer, LOG_LINES_PER_HOST, now) || !this.spend('*', LOG_LINES_IN_ALL, now)) return;
    this.logged.set(k, now);
    if (this.logged.size > 1000) this.logged.clear();
    this.logger.warn(message);
  }

  /** Takes one line from `who`'s budget for the current window; false when it is spent. */
  private spend(who: string, max: number, now: number): boolean {
    let b = this.logBudget.get(who);
    if (!b || now - b.since >= LOG_WINDOW_MS) {
      if (this.logBudget.size > 1000) this.logBudget.clear();
      b = { since: now, lines: 0 };
      this.logBudget.set(who, b);
    }
    if (b.lines >= max) return false;
    b.lines++;
    return true;
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
