import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeLegacyFrame, type LegacyFrame, LegacyFrameDecoder, LegacyFrameError, LegacyFrameKind } from '../../bundles/cluster-upgrade-from-legacy/legacy/frame.js';
import { fuzzOptions } from '../support/fuzz.js';

const MAX = 16 * 1024;

/** Feeds `chunks` to one decoder: the frames it produced, or the LegacyFrameError that ended the stream (anything else is a bug). */
function decode(chunks: Uint8Array[]): { frames: LegacyFrame[]; error?: string } {
  const decoder = new LegacyFrameDecoder(MAX);
  const frames: LegacyFrame[] = [];
  try {
    for (const c of chunks) decoder.push(Buffer.from(c), (f) => frames.push(f));
    return { frames };
  } catch (err) {
    if (!(err instanceof LegacyFrameError)) throw err;
    return { frames, error: err.message };
  }
}

const body = fc.oneof(
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxLength: 8 }),
  // msgpackr does not decode a `__proto__` key into a plain object (on purpose): keep it out of the round trip.
  fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.oneof(fc.string(), fc.integer(), fc.uint8Array({ maxLength: 32 }))),
);
const kind = fc.constantFrom(...Object.values(LegacyFrameKind));

describe('fuzz: the bridge\'s 2.0 frame decoder (bytes from a legacy member or an outsider)', () => {
  it('any bytes in any chunking: frames or a LegacyFrameError, never another exception', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
      decode(chunks);
    }), fuzzOptions());
  });

  it('encoded frames, split anywhere, decode to what was sent', () => {
    fc.assert(fc.property(fc.array(fc.tuple(kind, body), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (sent, cuts) => {
      const bytes = Buffer.concat(sent.map(([k, b]) => encodeLegacyFrame(k, b)));
      const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...at, bytes.length].slice(1).map((end, i, all) => bytes.subarray(i === 0 ? 0 : all[i - 1], end));
      const { frames, error } = decode([bytes.subarray(0, 0), ...chunks]);
      assert.equal(error, undefined);
      assert.deepEqual(frames.map((f) => [f.major, f.minor, f.kind]), sent.map(([k]) => [2, 0, k]));
      assert.deepEqual(Buffer.concat(frames.map((f) => encodeLegacyFrame(f.kind as LegacyFrameKind, f.body))), bytes);
    }), fuzzOptions());
  });
});
