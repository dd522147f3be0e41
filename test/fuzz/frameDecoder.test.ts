import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeFrame, type Frame, FrameDecoder, FrameError, FrameKind, HEADER_SIZE, PRE_AUTH_MAX_FRAME } from '../../bundles/grid/transport/frame.js';
import { fuzzOptions } from '../support/fuzz.js';

const MAX_FRAME = 64 * 1024;

/** Pushes `chunks`; only FrameError may escape, and what stays buffered is less than one frame allowed in this state. */
function feed(decoder: FrameDecoder, chunks: Uint8Array[], limit: number): { frames: Frame[]; error?: FrameError } {
  const frames: Frame[] = [];
  for (const c of chunks) {
    try {
      decoder.push(Buffer.from(c), (f) => frames.push(f));
    } catch (err) {
      if (err instanceof FrameError) return { frames, error: err };
      throw err;
    }
    assert.ok(decoder.pending < HEADER_SIZE + limit, `${decoder.pending} bytes buffered, limit ${limit}`);
  }
  return { frames };
}

const bytes = fc.uint8Array({ maxLength: 2048 });
/** Valid frames of every kind, with JSON-like or binary bodies. */
const frame = fc.record({
  kind: fc.constantFrom(FrameKind.HANDSHAKE, FrameKind.MESSAGE, FrameKind.REQUEST, FrameKind.RESPONSE),
  body: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u))),
}).map(({ kind, body }) => Buffer.concat(encodeFrame(kind, body)));

/** A byte stream cut into chunks at arbitrary points. */
function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, stream.length]) {
    out.push(stream.subarray(at, p));
    at = p;
  }
  return out;
}

/** Flips, overwrites, inserts and deletes bytes. */
const mutation = fc.array(fc.tuple(fc.constantFrom('flip', 'set', 'insert', 'delete'), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 });
function mutate(stream: Buffer, edits: [string, number, number][]): Buffer {
  let b = Buffer.from(stream);
  for (const [op, pos, value] of edits) {
    const i = b.length === 0 ? 0 : pos % b.length;
    if (op === 'flip' && b.length > 0) b[i] = b[i]! ^ (1 << (value % 8));
    else if (op === 'set' && b.length > 0) b[i] = value;
    else if (op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.from([value]), b.subarray(i)]);
    else if (op === 'delete' && b.length > 0) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
  }
  return b;
}

test('random bytes: only FrameError, bounded buffering, before and after the handshake', () => {
  fc.assert(fc.property(fc.array(bytes, { maxLength: 12 }), (chunks) => {
    feed(new FrameDecoder(MAX_FRAME, { preAuth: true }), chunks, PRE_AUTH_MAX_FRAME);
    feed(new FrameDecoder(MAX_FRAME), chunks, MAX_FRAME);
  }), fuzzOptions());
});

test('random bytes behind a valid header (any kind, any announced length): only FrameError, bounded buffering', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffffffff }), fc.array(bytes, { maxLength: 6 }), (kind, length, chunks) => {
    const header = Buffer.from([0x4f, 0x58, 3, 0, kind, 0, 0, 0, 0, 0]);
    header.writeUInt32BE(length, 6);
    const pre = feed(new FrameDecoder(MAX_FRAME, { preAuth: true }), [header, ...chunks], PRE_AUTH_MAX_FRAME);
    if (kind !== FrameKind.HANDSHAKE || length > PRE_AUTH_MAX_FRAME) assert.ok(pre.error, 'refused from the header alone');
    feed(new FrameDecoder(MAX_FRAME), [header, ...chunks], MAX_FRAME);
  }), fuzzOptions());
});

test('valid frames, cut anywhere, decode to what was sent; mutated ones give frames or a FrameError, nothing else', () => {
  fc.assert(fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), mutation, (frames, cuts, edits) => {
    const stream = Buffer.concat(frames);
    const clean = feed(new FrameDecoder(MAX_FRAME), chunked(stream, cuts), MAX_FRAME);
    assert.equal(clean.error, undefined);
    assert.equal(clean.frames.length, frames.length);
    feed(new FrameDecoder(MAX_FRAME), chunked(mutate(stream, edits), cuts), MAX_FRAME);
    feed(new FrameDecoder(MAX_FRAME, { preAuth: true }), chunked(mutate(stream, edits), cuts), PRE_AUTH_MAX_FRAME);
  }), fuzzOptions());
});

test('msgpack bombs in a small body (huge announced arrays, maps, strings, nesting) end in a FrameError or a small value', () => {
  const bomb = fc.oneof(
    fc.tuple(fc.constantFrom(0xdc, 0xde, 0xda, 0xc5), fc.integer({ min: 0, max: 0xffff })).map(([t, n]) => Buffer.from([t, n >> 8, n & 0xff])),
    fc.tuple(fc.constantFrom(0xdd, 0xdf, 0xdb, 0xc6), fc.integer({ min: 0, max: 0xffffffff })).map(([t, n]) => {
      const b = Buffer.alloc(5);
      b[0] = t;
      b.writeUInt32BE(n, 1);
      return b;
    }),
    fc.integer({ min: 1, max: 4000 }).map((depth) => Buffer.alloc(depth, 0x91)),
  );
  fc.assert(fc.property(fc.array(bomb, { minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 64 }), (parts, tail) => {
    const body = Buffer.concat([...parts, Buffer.from(tail)]).subarray(0, PRE_AUTH_MAX_FRAME);
    const header = Buffer.from([0x4f, 0x58, 3, 0, FrameKind.HANDSHAKE, 0, 0, 0, 0, 0]);
    header.writeUInt32BE(body.length, 6);
    feed(new FrameDecoder(MAX_FRAME, { preAuth: true }), [header, body], PRE_AUTH_MAX_FRAME);
  }), fuzzOptions(500));
});
