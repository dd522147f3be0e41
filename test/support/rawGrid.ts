import net from 'node:net';
import { Packr } from 'msgpackr';
import { type Frame, FrameDecoder, FrameKind, PROTOCOL_MAJOR, PROTOCOL_MINOR } from '../../bundles/grid/transport/frame.js';

/** Raw grid frames as an attacker writes them: any header, any msgpack body. */
const packr = new Packr({ useRecords: false });

/** A frame header: magic "OX", version, kind, reserved, announced body length. */
export function rawHeader(length: number, o: { major?: number; minor?: number; kind?: number } = {}): Buffer {
  const h = Buffer.from([0x4f, 0x58, o.major ?? PROTOCOL_MAJOR, o.minor ?? PROTOCOL_MINOR, o.kind ?? FrameKind.HANDSHAKE, 0, 0, 0, 0, 0]);
  h.writeUInt32BE(length, 6);
  return h;
}

/** A whole frame with `body` packed as msgpack. */
export function rawFrame(body: unknown, o: { major?: number; minor?: number; kind?: number } = {}): Buffer {
  const payload = packr.pack(body);
  return Buffer.concat([rawHeader(payload.length, o), payload]);
}

/** A raw client connection that collects the frames it is sent, and when it was closed. */
export class RawPeer {
  readonly frames: Frame[] = [];
  readonly bytes: Buffer[] = [];
  closed = false;
  readonly closedAt: Promise<void>;
  private readonly decoder = new FrameDecoder(1 << 20);
  private waiters: (() => void)[] = [];

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytes.push(chunk);
      try {
        this.decoder.push(chunk, (f) => this.frames.push(f));
      } catch {
        socket.destroy();
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closedAt = new Promise((resolve) => socket.on('close', () => {
      this.closed = true;
      this.wake();
      resolve();
    }));
  }

  /** Connects from `localAddress` to `host:port`. */
  static connect(host: string, port: number, localAddress: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, localAddress }, () => {
        s.off('error', reject);
        resolve(new RawPeer(s));
      });
      s.once('error', reject);
    });
  }

  /** Waits until `n` frames arrived or the connection closed; rejects after `timeoutMs`. */
  async frameOrClose(n: number, timeoutMs = 10_000): Promise<Frame | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < n && !this.closed) {
      if (Date.now() > deadline) throw new Error(`no frame ${n} and no close within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - Date.now() + 1);
      });
    }
    return this.frames[n - 1];
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * Writes `header`, then `total` body bytes taken from `source` (repeated when shorter) in 1 MiB
 * writes as fast as the peer reads, until all is written or the peer closed; resolves with the bytes
 * handed to the socket.
 */
export function pushFrame(socket: net.Socket, header: Buffer, total: number, source: Buffer): Promise<number> {
  const piece = 1 << 20;
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(sent);
    };
    socket.on('close', finish);
    socket.on('error', finish);
    const pump = () => {
      while (!done && !socket.destroyed && sent < total) {
        const at = sent % source.length;
        const part = source.subarray(at, at + Math.min(piece, total - sent, source.length - at));
        sent += part.length;
        if (!socket.write(part)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (sent >= total) finish();
    };
    socket.write(header);
    pump();
  });
}

/** Resident set size of process `pid` in bytes, from /proc/PID/status. */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}
