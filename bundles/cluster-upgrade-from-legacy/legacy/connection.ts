import type { Socket } from 'node:net';
import { encodeLegacyFrame, type LegacyFrame, LegacyFrameDecoder, LegacyFrameError, type LegacyFrameKind } from './frame.js';

/** 0.1.0's frame limit (`hazelcast.max.frame.size` default): a legacy member never sends more. */
const MAX_FRAME_SIZE = 64 * 1024 * 1024;
/** Handshake frames are a few hundred bytes: a peer that has not proved the password gets no more. */
const PRE_AUTH_MAX_FRAME = 16 * 1024;

/** One TCP connection to a legacy member: frames in, frames out, told once when it closes. */
export class LegacyConnection {
  closed = false;
  /** The legacy member's id once the handshake named it. */
  peerId = '';
  readonly remote: string;
  private readonly decoder = new LegacyFrameDecoder(PRE_AUTH_MAX_FRAME);
  private frameHandler: (frame: LegacyFrame) => void = () => undefined;
  private readonly closeHandlers: ((reason: string) => void)[] = [];

  constructor(readonly socket: Socket) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.close(`socket error: ${err.code ?? err.message}`));
    socket.on('end', () => this.close('closed by the legacy member'));
    socket.on('close', () => this.close('closed'));
  }

  onFrame(handler: (frame: LegacyFrame) => void): void {
    this.frameHandler = handler;
  }

  /** The peer proved the password: it may send frames as large as 0.1.0 allows. */
  authenticated(): void {
    this.decoder.maxFrameSize = MAX_FRAME_SIZE;
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  send(kind: LegacyFrameKind, body: unknown): boolean {
    if (this.closed) return false;
    this.socket.write(encodeLegacyFrame(kind, body));
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const h of this.closeHandlers) h(reason);
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.decoder.push(chunk, (frame) => {
        if (!this.closed) this.frameHandler(frame);
      });
    } catch (err) {
      this.close(err instanceof LegacyFrameError ? err.message : `frame handler failed: ${(err as Error).message}`);
    }
  }
}
