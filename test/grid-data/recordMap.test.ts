import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NONE, records } from '../../bundles/grid/map/recordArena.js';
import { RecordMap } from '../../bundles/grid/map/recordMap.js';

/** A small deterministic PRNG (mulberry32): the random operations are the same in every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function contents(store: RecordMap): Map<string, string> {
  const out = new Map<string, string>();
  store.forEach((r) => out.set(records.key(r), records.value(r).toString()));
  return out;
}

test('random sets and deletes agree with a Map through growth and shrinking (seed 19)', () => {
  const next = random(19);
  const store = new RecordMap();
  const model = new Map<string, string>();
  for (let round = 0; round < 4; round++) {
    const keySpace = round % 2 === 0 ? 30_000 : 300;
    for (let i = 0; i < 60_000; i++) {
      const key = `k${Math.floor(next() * keySpace)}`;
      if (next() < (round < 2 ? 0.7 : 0.2)) {
        const value = `${key}:${i}`.repeat(1 + Math.floor(next() * 3));
        store.set(key, Buffer.from(value), i, i, i, 0, 0);
        model.set(key, value);
      } else {
        assert.equal(store.delete(key), model.delete(key), `delete ${key}`);
      }
      if (i % 5000 === 0) assert.equal(store.size, model.size);
    }
    assert.equal(store.size, model.size);
    assert.deepEqual(contents(store), model);
    for (const key of model.keys()) assert.notEqual(store.find(key), NONE, key);
    assert.equal(store.find('absent'), NONE);
  }
  for (const key of [...model.keys()]) assert.ok(store.delete(key));
  assert.equal(store.size, 0);
  assert.equal(store.memoryCost(), 2 * 8 * 4, 'shrunk back to its smallest index');
});

test('a replaced, deleted or cleared record is released; a set keeps the record and updates it', () => {
  const store = new RecordMap();
  const first = store.set('a', Buffer.from('first'), 1, 1, 1, 0, 0);
  assert.equal(store.set('a', Buffer.from('again'), 2, 3, 4, 5, 6), first, 'a value of the same slot size stays in place');
  assert.deepEqual([records.created(first), records.updated(first), records.accessed(first), records.hits(first), records.expires(first)], [2, 3, 4, 5, 6]);
  const moved = store.set('a', Buffer.alloc(500, 1), 2, 3, 4, 5, 6);
  assert.notEqual(moved, first);
  assert.throws(() => records.value(first), /released/);
  assert.equal(store.find('a'), moved);
  const b = store.set('b', Buffer.from('b'), 1, 1, 1, 0, 0);
  assert.ok(store.delete('b'));
  assert.ok(!store.delete('b'));
  assert.throws(() => records.value(b), /released/);
  store.clear();
  assert.throws(() => records.value(moved), /released/);
  assert.equal(store.size, 0);
  assert.equal(store.find('a'), NONE);
});

test('keys of any length and script are stored apart; a key that UTF-8 cannot carry is refused', () => {
  const store = new RecordMap();
  const keys = ['', 'a', 'ä', 'a\u0000', '😀', 'x'.repeat(65_536), '€'.repeat(65_536)];
  keys.forEach((k, i) => store.set(k, Buffer.from(String(i)), 0, 0, 0, 0, 0));
  assert.equal(store.size, keys.length);
  keys.forEach((k, i) => assert.equal(records.value(store.find(k)).toString(), String(i)));
  assert.deepEqual(store.keys().sort(), [...keys].sort());
  assert.throws(() => store.set('\uD800', Buffer.from('x'), 0, 0, 0, 0, 0), /lone surrogate/);
  assert.throws(() => store.find('a\uDFFF'), /lone surrogate/);
  assert.equal(store.size, keys.length);
});

test('memory cost counts the index and the slots', () => {
  const store = new RecordMap();
  for (let i = 0; i < 6; i++) store.set(`key${i}`, Buffer.alloc(300), 0, 0, 0, 0, 0);
  // 6 records of 48 + 4 + 300 bytes (352, a multiple of 8) and an index of 8 buckets of 8 bytes.
  assert.equal(store.memoryCost(), 6 * 352 + 8 * 8);
  store.set('key6', Buffer.alloc(300), 0, 0, 0, 0, 0);
  assert.equal(store.memoryCost(), 7 * 352 + 16 * 8, 'the index doubled past 3/4 full');
});
