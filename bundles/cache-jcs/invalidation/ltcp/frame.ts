import { pack, unpack } from 'msgpackr';

/**
 * LTCP frames: `J` `C` | version u8 | type u8 | body length u32 BE | msgpack body.
 * A bad magic, an unknown version or an oversized length makes the stream unreadable (the
 * connection is dropped); a body that does not decode or an unknown type drops only that frame.
 */
export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 8;
export const MAX_BODY_BYTES = 1 << 20;
const MAGIC_0 = 0x4a;
const MAGIC_1 = 0x43;

export const FrameType = {
  /** Sender introduces itself: `{ node, route, listener }`. */
  HELLO: 1,
  /** One `CacheInvalidation`. */
  INVALIDATE: 2,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export function encodeFrame(type: FrameType, body: unknown): Buffer {
  const payload = pack(body);
  if (payload.length > MAX_BODY_BYTES) throw new Error(`LTCP frame body of ${payload.length} bytes exceeds ${MAX_BODY_BYTES}`);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = PROTOCOL_VERSION;
  header[3] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export type DecodeResult =
  | { kind: 'frame'; type: FrameType; body: unknown }
  | { kind: 'bad-frame'; reason: string }
  | { kind: 'fatal'; reason: string };

/** Splits a byte stream into frames. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Bytes of an unfinished frame (non-zero when the peer vanished mid-message). */
  get pending(): number {
    return this.buffer.length;
  }

  /** Expected size of the unfinished frame, when its header has arrived. */
  get expected(): number | undefined {
    return this.buffer.length >= HEADER_BYTES ? HEADER_BYTES + this.buffer.readUInt32BE(4) : undefined;
  }

  /** Feeds a chunk; returns what it completed. After a `fatal` result the stream must be dropped. */
  push(chunk: Buffer): DecodeResult[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const results: DecodeResult[] = [];
    while (this.buffer.length >= 2) {
      if (this.buffer[0] !== MAGIC_0 || this.buffer[1] !== MAGIC_1) {
        results.push({ kind: 'fatal', reason: `not an LTCP frame (first bytes ${this.buffer.subarray(0, 8).toString('hex')})` });
        return results;
      }
      if (this.buffer.length < HEADER_BYTES) break;
      const version = this.buffer[2]!;
      if (version !== PROTOCOL_VERSION) {
        results.push({ kind: 'fatal', reason: `LTCP protocol version ${version}, this node speaks ${PROTOCOL_VERSION}` });
        return results;
      }
      const length = this.buffer.readUInt32BE(4);
      if (length > MAX_BODY_BYTES) {
        results.push({ kind: 'fatal', reason: `LTCP frame of ${length} bytes exceeds ${MAX_BODY_BYTES}` });
        return results;
      }
      if (this.buffer.length < HEADER_BYTES + length) break;
      const type = this.buffer[3]!;
      const payload = this.buffer.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.buffer = this.buffer.subarray(HEADER_BYTES + length);
      if (type !== FrameType.HELLO && type !== FrameType.INVALIDATE) {
        results.push({ kind: 'bad-frame', reason: `unknown LTCP frame type ${type}` });
        continue;
      }
      try {
        results.push({ kind: 'frame', type, body: unpack(payload) });
      } catch (err) {
        results.push({ kind: 'bad-frame', reason: `undecodable LTCP frame body (${length} bytes): ${(err as Error).message}` });
      }
    }
    return results;
  }
}
