import { connect, type Socket } from 'node:net';
import type { Logger } from 'winston';
import type { CacheInvalidation } from '../../api.js';
import { encodeFrame, FrameType } from './frame.js';

export interface PeerOptions {
  host: string;
  port: number;
  /** Source address of the connection (the listener's host), so peers see where it comes from. */
  localAddress?: string;
  logger: Logger;
  /** Sent first on every connection. */
  hello: { node: string; route: string; listener: string };
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** Queued but unsent bytes past which a peer counts as stuck and the connection is recycled. */
const MAX_BUFFERED_BYTES = 8 << 20;

/**
 * The sending side of LTCP towards one TcpServers entry: connects, reconnects with bounded
 * exponential backoff, and remembers the regions whose events it could not deliver. Once connected
 * again it sends a `clear` for each of them, because the peer may hold stale entries (safety first).
 */
export class LtcpPeer {
  readonly address: string;
  private socket: Socket | undefined;
  private connected = false;
  private closed = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Regions with events that may not have arrived. */
  private readonly missed = new Set<string>();
  /** Regions with events written on the current connection (lost if it breaks). */
  private readonly inFlight = new Set<string>();
  private readonly origin: string;

  constructor(private readonly options: PeerOptions) {
    this.address = `${options.host}:${options.port}`;
    this.origin = options.hello.node;
    this.open();
  }

  send(event: CacheInvalidation, frame: Buffer): void {
    if (!this.connected || !this.socket) {
      this.missed.add(event.region);
      return;
    }
    this.inFlight.add(event.region);
    this.socket.write(frame);
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.options.logger.warn(`LTCP peer ${this.address} is not reading (${this.socket.writableLength} bytes queued); reconnecting`);
      this.socket.destroy();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.destroy();
  }

  private open(): void {
    const { logger, host, port } = this.options;
    const socket = connect({ host, port, localAddress: this.options.localAddress, timeout: this.options.connectTimeoutMs });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.setKeepAlive(true, 5000);
      this.connected = true;
      if (this.failures > 0) logger.info(`LTCP connected to ${this.address} after ${this.failures} failed attempts`);
      else logger.info(`LTCP connected to ${this.address}`);
      this.failures = 0;
      socket.write(encodeFrame(FrameType.HELLO, this.options.hello));
      for (const region of this.missed) {
        socket.write(encodeFrame(FrameType.INVALIDATE, { region, op: 'clear', origin: this.origin } satisfies CacheInvalidation));
      }
      if (this.missed.size > 0) logger.info(`LTCP sent clear to ${this.address} for regions with undelivered invalidations: ${[...this.missed].join(', ')}`);
      this.missed.clear();
    });
    socket.on('timeout', () => socket.destroy(new Error(`no connection within ${this.options.connectTimeoutMs} ms`)));
    // The listener never writes; data here is a confused peer, ignored.
    socket.on('data', () => undefined);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const message = `LTCP peer ${this.address}: ${err.code ?? err.message}`;
      if (this.failures === 0) logger.warn(`${message}; retrying with backoff up to ${this.options.reconnectMaxMs} ms`);
      else logger.debug(message);
    });
    socket.on('close', () => {
      if (this.connected) logger.warn(`LTCP connection to ${this.address} lost`);
      this.connected = false;
      for (const region of this.inFlight) this.missed.add(region);
      this.inFlight.clear();
      if (this.closed) return;
      const delay = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** Math.min(this.failures, 16));
      this.failures++;
      this.timer = setTimeout(() => this.open(), delay * (0.75 + Math.random() * 0.5));
      this.timer.unref();
    });
  }
}
