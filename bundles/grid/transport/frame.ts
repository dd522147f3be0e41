import { Packr, Unpackr } from 'msgpackr';
import { PROTOCOL_MAJOR, PROTOCOL_MINOR } from './protocolVersion.js';

/** The grid protocol version (`protocolVersion.ts`); members of another major refuse each other. */
export { PROTOCOL_MAJOR, PROTOCOL_MINOR, PROTOCOL_VERSION } from './protocolVersion.js';

/**
 * Frame layout (big-endian): magic "OX" (2 bytes), major (1), minor (1), kind (1), reserved (1),
 * body length (4), then a msgpack body. The header is the stable part across versions, so a peer
 * of another version can still read a refusal.
 */
export const HEADER_SIZE = 10;
/**
 * Largest frame body a peer may send before the handshake completed (both directions). Handshake
 * messages are a few hundred bytes (a refusal's reason is at most 1024 characters).
 */
export const PRE_AUTH_MAX_FRAME = 4 * 1024;
const MAGIC_0 = 0x4f; // 'O'
const MAGIC_1 = 0x58; // 'X'

export const FrameKind = {
  /** Handshake frames: hello, challenge, proof, welcome, refuse. */
  HANDSHAKE: 1,
  /** Fire-and-forget message: [service, payload]. */
  MESSAGE: 2,
  /** Request: [callId, service, payload]. */
  REQUEST: 3,
  /** Response: [callId, ok, payloadOrErrorMessage]. */
  RESPONSE: 4,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

// Plain msgpack maps (no record extension): stateless, so every frame decodes on its own.
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Encodes one frame as a header and a body buffer (written together by the connection). */
export function encodeFrame(kind: FrameKind, body: unknown): [Buffer, Buffer] {
  const payload = packr.pack(body);
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = PROTOCOL_MAJOR;
  header[3] = PROTOCOL_MINOR;
  header[4] = kind;
  header[5] = 0;
  header.writeUInt32BE(payload.length, 6);
  return [header, payload];
}

export interface Frame {
  major: number;
  minor: number;
  kind: number;
  body: unknown;
}

/** Why a byte stream is not (or no longer) a valid frame stream. */
export class FrameError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const HTTP_START = /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT|TRACE) /;

/**
 * Splits a byte stream into frames; throws FrameError on anything that is not one. Until
 * `authenticated()` is called only HANDSHAKE frames of at most PRE_AUTH_MAX_FRAME bytes are
 * accepted, refused from the 10-byte header alone: an announced body is never buffered before it is
 * known to be small. So before the handshake it holds at most one socket chunk plus one small frame.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private preAuth: boolean;

  constructor(private readonly maxFrameSize: number, options: { preAuth?: boolean } = {}) {
    this.preAuth = options.preAuth ?? false;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Lifts the pre-handshake limits: any kind, up to `maxFrameSize`. Takes effect at the next frame. */
  authenticated(): void {
    this.preAuth = false;
  }

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= HEADER_SIZE) {
      const head = this.peek(HEADER_SIZE);
      if (head[0] !== MAGIC_0 || head[1] !== MAGIC_1) {
        const text = head.toString('latin1');
        throw new FrameError(HTTP_START.test(text) ? `an HTTP request (${JSON.stringify(text.split(' ')[0])}), not a grid frame` : 'bad magic bytes, not a grid frame');
      }
      const length = head.readUInt32BE(6);
      if (this.preAuth) {
        if (head[4] !== FrameKind.HANDSHAKE) throw new FrameError(`a frame of kind ${head[4]} before the handshake completed`);
        if (length > PRE_AUTH_MAX_FRAME) throw new FrameError(`frame of ${length} bytes exceeds the maximum of ${PRE_AUTH_MAX_FRAME} before the handshake`);
      }
      if (length > this.maxFrameSize) throw new FrameError(`frame of ${length} bytes exceeds the maximum of ${this.maxFrameSize}`);
      if (this.buffered < HEADER_SIZE + length) return;
      const all = this.take(HEADER_SIZE + length);
      let body: unknown;
      try {
        body = unpackr.unpack(all.subarray(HEADER_SIZE));
      } catch (err) {
        throw new FrameError(`undecodable frame body (${(err as Error).message})`);
      }
      onFrame({ major: all[2]!, minor: all[3]!, kind: all[4]!, body });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    const first = this.chunks[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
