import { Packr, Unpackr } from 'msgpackr';

/**
 * Grid protocol 2.0 as 0.1.0 speaks it (0.1.0's `bundles/grid/transport/frame.ts`): magic "OX",
 * major, minor, kind, reserved, body length (big-endian), then a msgpack body of plain maps.
 */
export const LEGACY_MAJOR = 2;
export const LEGACY_MINOR = 0;
export const LEGACY_VERSION = `${LEGACY_MAJOR}.${LEGACY_MINOR}`;
const HEADER_SIZE = 10;
const MAGIC_0 = 0x4f;
const MAGIC_1 = 0x58;

export const LegacyFrameKind = { HANDSHAKE: 1, MESSAGE: 2, REQUEST: 3, RESPONSE: 4 } as const;
export type LegacyFrameKind = (typeof LegacyFrameKind)[keyof typeof LegacyFrameKind];

export interface LegacyFrame {
  major: number;
  minor: number;
  kind: number;
  body: unknown;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export function encodeLegacyFrame(kind: LegacyFrameKind, body: unknown): Buffer {
  const payload = packr.pack(body);
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = LEGACY_MAJOR;
  header[3] = LEGACY_MINOR;
  header[4] = kind;
  header[5] = 0;
  header.writeUInt32BE(payload.length, 6);
  return Buffer.concat([header, payload]);
}

/** A byte stream that is not a 2.0 frame stream. */
export class LegacyFrameError extends Error {}

/** Splits a byte stream into frames; throws LegacyFrameError on anything that is not one. */
export class LegacyFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(public maxFrameSize: number) {}

  push(chunk: Buffer, onFrame: (frame: LegacyFrame) => void): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= HEADER_SIZE) {
      if (this.buffer[0] !== MAGIC_0 || this.buffer[1] !== MAGIC_1) throw new LegacyFrameError('bad magic bytes, not a grid frame');
      const length = this.buffer.readUInt32BE(6);
      if (length > this.maxFrameSize) throw new LegacyFrameError(`frame of ${length} bytes exceeds the maximum of ${this.maxFrameSize}`);
      if (this.buffer.length < HEADER_SIZE + length) return;
      const frame = this.buffer.subarray(0, HEADER_SIZE + length);
      this.buffer = this.buffer.subarray(HEADER_SIZE + length);
      let body: unknown;
      try {
        body = unpackr.unpack(frame.subarray(HEADER_SIZE));
      } catch (err) {
        throw new LegacyFrameError(`undecodable frame body (${(err as Error).message})`);
      }
      onFrame({ major: frame[2]!, minor: frame[3]!, kind: frame[4]!, body });
    }
  }
}
