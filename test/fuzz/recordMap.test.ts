import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NONE, records } from '../../bundles/grid/map/recordArena.js';
import { RecordMap } from '../../bundles/grid/map/recordMap.js';
import { fuzzOptions } from '../support/fuzz.js';

/**
 * Each case draws its own few keys (so sets replace, deletes hit, and the small index runs full: probe
 * runs wrap around its end in ever new layouts), any well-formed Unicode among them.
 */
const keys = fc.uniqueArray(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('', 'ä', '😀', 'session:1')), { minLength: 1, maxLength: 9 });
/** Values of every slot kind: empty, small, near the largest slot, large (a Buffer of its own). */
const value = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16_300, max: 16_400 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);
const command = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.nat(), value, time: fc.double({ noNaN: true }) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.nat() }),
  fc.record({ op: fc.constant('find' as const), key: fc.nat() }),
);

test('a RecordMap answers as a Map would, through any sequence of sets, deletes and lookups', () => {
  fc.assert(fc.property(keys, fc.array(command, { maxLength: 200, size: 'max' }), (pool, commands) => {
    const store = new RecordMap();
    const model = new Map<string, { value: Buffer; time: number }>();
    for (const c of commands) {
      const key = pool[c.key % pool.length]!;
      if (c.op === 'set') {
        const bytes = Buffer.from(c.value);
        const ref = store.set(key, bytes, c.time, c.time, c.time, 1, c.time);
        model.set(key, { value: bytes, time: c.time });
        assert.equal(store.find(key), ref);
      } else if (c.op === 'delete') {
        assert.equal(store.delete(key), model.delete(key));
      } else {
        const ref = store.find(key);
        const want = model.get(key);
        assert.equal(ref === NONE, want === undefined);
        if (want) {
          assert.deepEqual(records.value(ref), want.value);
          assert.equal(records.key(ref), key);
          assert.ok(Object.is(records.expires(ref), want.time));
        }
      }
      assert.equal(store.size, model.size);
    }
    const refs: number[] = [];
    store.forEach((r) => refs.push(r));
    assert.deepEqual(refs.map((r) => records.key(r)).sort(), [...model.keys()].sort());
    store.clear();
    for (const r of refs) assert.throws(() => records.value(r), /released/);
  }), fuzzOptions(300));
});
