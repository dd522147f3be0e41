import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'winston';
import { FrameDecoder, FrameType } from './frame.js';

export interface ListenerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** An INVALIDATE frame's body; `from` names the peer for logs. */
  onEvent(body: unknown, from: string): void;
}

/** The receiving side of LTCP: accepts peers' connections on TcpListenerPort and reads their frames. */
export class LtcpListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly options: ListenerOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(options: ListenerOptions): Promise<LtcpListener> {
    const listener = new LtcpListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(`LTCP listener cannot bind ${options.host}:${options.port}: ${err.code ?? err.message}`));
      });
      listener.server.listen(options.port, options.host, () => resolve());
    });
    listener.server.on('error', (err) => options.logger.warn(`LTCP listener ${options.host}:${options.port}: ${err.message}`));
    return listener;
  }

  get address(): { host: string; port: number } {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? { host: a.address, port: a.port } : { host: this.options.host, port: this.options.port };
  }

  private accept(socket: Socket): void {
    const { logger } = this.options;
    let peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const decoder = new FrameDecoder();
    let dropped = false;
    this.sockets.add(socket);
    socket.setKeepAlive(true, 5000);
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (result.kind === 'fatal') {
          logger.warn(`LTCP peer ${peer}: ${result.reason}; connection dropped`);
          dropped = true;
          socket.destroy();
          return;
        }
        if (result.kind === 'bad-frame') {
          logger.warn(`LTCP peer ${peer}: ${result.reason}; frame dropped`);
        } else if (result.type === FrameType.HELLO) {
          const hello = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as { route?: unknown; listener?: unknown };
          peer = `${String(hello.route)} (${String(hello.listener)} via ${socket.remoteAddress}:${socket.remotePort})`;
          logger.info(`LTCP peer ${peer} connected`);
        } else {
          this.options.onEvent(result.body, `LTCP peer ${peer}`);
        }
      }
    });
    socket.on('error', (err) => logger.debug(`LTCP peer ${peer}: ${err.message}`));
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (dropped) return;
      if (decoder.pending > 0) {
        logger.warn(`LTCP peer ${peer} vanished mid-message (${decoder.pending} of ${decoder.expected ?? 'unknown'} bytes); partial frame dropped`);
      } else {
        logger.info(`LTCP peer ${peer} disconnected`);
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
