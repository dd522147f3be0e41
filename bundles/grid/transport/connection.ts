import type { Socket } from 'node:net';
import type { GridMember } from '../api.js';
import { atTurnEnd, TurnStage } from '../spi/turnEnd.js';
import { encodeFrame, type Frame, FrameDecoder, FrameError, type FrameKind } from './frame.js';

export interface ConnectionOptions {
  maxFrameSize: number;
  /** Bytes queued for a peer beyond which it counts as not reading and the connection is dropped. */
  maxBufferedBytes: number;
}

/**
 * One TCP (or TLS) connection to a peer: frames in, frames out. Frames written during one event-loop
 * turn are sent with a single socket write at its end. A peer that stops reading is dropped once
 * `maxBufferedBytes` are queued, so no node buffers without bound.
 */
export class Connection {
  /** The peer as it introduced itself in the handshake; undefined until then. */
  peer: GridMember | undefined;
  /** The initiator's handshake nonce (hex): both ends know it, so it can break ties between connections. */
  nonce = '';
  readonly remote: string;
  closed = false;
  /** Closed for sending, but still delivering what the peer sent (see `end`). */
  private draining = false;
  /** Last time any bytes arrived, for heartbeat-based failure detection. */
  lastReceived = Date.now();

  private readonly decoder: FrameDecoder;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  private frameHandler: (frame: Frame) => void = () => undefined;
  private readonly closeHandlers: ((reason: string, error: boolean) => void)[] = [];

  constructor(readonly socket: Socket, readonly outbound: boolean, private readonly options: ConnectionOptions) {
    this.decoder = new FrameDecoder(options.maxFrameSize, { preAuth: true });
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.close(`socket error: ${err.code ?? err.message}`, true));
    socket.on('end', () => {
      const truncated = this.decoder.pending > 0 ? ` (truncated frame: ${this.decoder.pending} bytes of an incomplete frame)` : '';
      this.close(`closed by peer${truncated}`, truncated !== '');
    });
    socket.on('close', () => this.close('closed', false));
  }

  /**
   * The handshake completed: lift the pre-handshake frame limits (HANDSHAKE frames of at most
   * PRE_AUTH_MAX_FRAME bytes). Called synchronously from the frame handler of the handshake's last
   * frame, so frames the peer sent right behind it are decoded with the full limits.
   */
  authenticated(): void {
    this.decoder.authenticated();
  }

  onFrame(handler: (frame: Frame) => void): void {
    this.frameHandler = handler;
  }

  /** `error` is true when the peer misbehaved (garbage, truncated frame) rather than just went away; returns the unsubscriber. */
  onClose(handler: (reason: string, error: boolean) => void): () => void {
    this.closeHandlers.push(handler);
    return () => {
      const i = this.closeHandlers.indexOf(handler);
      if (i >= 0) this.closeHandlers.splice(i, 1);
    };
  }

  send(kind: FrameKind, body: unknown): boolean {
    if (this.closed) return false;
    const [header, payload] = encodeFrame(kind, body);
    this.queue.push(header, payload);
    this.queuedBytes += header.length + payload.length;
    if (this.queuedBytes + this.socket.writableLength > this.options.maxBufferedBytes) {
      this.close(`peer is not reading: more than ${this.options.maxBufferedBytes} bytes queued`, true);
      return false;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      atTurnEnd(TurnStage.WRITE, () => this.flush());
    }
    return true;
  }

  /** Sends a last frame (e.g. a refusal) and closes once it is written. */
  sendAndClose(kind: FrameKind, body: unknown, reason: string): void {
    if (this.closed) return;
    this.send(kind, body);
    this.end(reason);
  }

  /** Whether frames from the peer are still delivered: open, or ended by this member with `keepReading`. */
  get delivering(): boolean {
    return !this.closed || this.draining;
  }

  /**
   * Closes after writing what is queued (the peer still reads it). With `keepReading`, frames the
   * peer sent before it learned of the close are still delivered until it closes its side: a
   * dropped duplicate connection may carry requests that must still be answered (elsewhere).
   */
  end(reason: string, keepReading = false): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.draining = keepReading;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    for (const h of [...this.closeHandlers]) h(reason, false);
  }

  close(reason: string, error = false): void {
    this.draining = false;
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.socket.destroy();
    for (const h of [...this.closeHandlers]) h(reason, error);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.socket.destroyed) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.socket.write(data);
  }

  private receive(chunk: Buffer): void {
    if (this.closed && !this.draining) return;
    this.lastReceived = Date.now();
    try {
      this.decoder.push(chunk, (frame) => {
        if (!this.closed || this.draining) this.frameHandler(frame);
      });
    } catch (err) {
      if (err instanceof FrameError) this.close(err.reason, true);
      else this.close(`frame handler failed: ${(err as Error).message}`, true);
    }
  }
}
