import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { MAX_SLOT_BYTES, RecordArena, type Ref } from '../../bundles/grid/map/recordArena.js';

const SLAB_BYTES = 1 << 20;
const HEADER_BYTES = 48;

function put(arena: RecordArena, key: string, value: Buffer, times = [1, 2, 3, 0, 0]): Ref {
  const bytes = Buffer.from(key);
  const [created, updated, accessed, hits, expires] = times;
  return arena.allocate(bytes, bytes.length, value, created, updated, accessed, hits, expires);
}

test('keys and values read back byte for byte, across slabs, and a value read is a copy', () => {
  const arena = new RecordArena();
  const values = Array.from({ length: 5000 }, (_, i) => randomBytes(i % 700));
  const keys = values.map((_, i) => `k${i}-ü€😀`);
  const refs = values.map((v, i) => put(arena, keys[i], v));
  assert.ok(arena.usage().reservedBytes > SLAB_BYTES, 'the records span more than one slab');
  values.forEach((v, i) => {
    assert.deepEqual(arena.value(refs[i]), v);
    assert.equal(arena.valueLength(refs[i]), v.length);
    assert.equal(arena.key(refs[i]), keys[i]);
    assert.ok(arena.keyEquals(refs[i], Buffer.from(keys[i]), Buffer.byteLength(keys[i])));
  });
  assert.ok(!arena.keyEquals(refs[0], Buffer.from('k1-ü€😀'), Buffer.byteLength('k1-ü€😀')));
  const copy = arena.value(refs[1]);
  copy.fill(0);
  assert.deepEqual(arena.value(refs[1]), values[1]);
});

test('metadata round-trips exactly at extreme times and counts', () => {
  const arena = new RecordArena();
  const extremes = [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, 1.5, 2 ** 31, -(2 ** 31) - 1, Date.now() + 10 * 365 * 86_400_000];
  for (const t of extremes) {
    const ref = put(arena, `t${t}`, Buffer.from('v'), [t, t, t, Number.MAX_SAFE_INTEGER, t]);
    assert.deepEqual([arena.created(ref), arena.updated(ref), arena.accessed(ref), arena.hits(ref), arena.expires(ref)], [t, t, t, Number.MAX_SAFE_INTEGER, t]);
    arena.setAccessed(ref, -t);
    assert.equal(arena.accessed(ref), -t);
  }
  const ref = put(arena, 'h', Buffer.from('v'), [5, 6, 7, 41, 0]);
  arena.hit(ref, 99);
  assert.deepEqual([arena.created(ref), arena.updated(ref), arena.accessed(ref), arena.hits(ref), arena.expires(ref)], [5, 6, 99, 42, 0]);
});

test('an update of the same slot size stays in its slot; another size moves with key and metadata, and frees the old slot', () => {
  const arena = new RecordArena();
  const ref = put(arena, 'key', Buffer.alloc(290, 1), [10, 20, 30, 4, 50]);
  assert.equal(arena.replaceValue(ref, Buffer.alloc(293, 2)), ref);
  assert.deepEqual(arena.value(ref), Buffer.alloc(293, 2));
  const moved = arena.replaceValue(ref, Buffer.alloc(1000, 3));
  assert.notEqual(moved, ref);
  assert.deepEqual(arena.value(moved), Buffer.alloc(1000, 3));
  assert.equal(arena.key(moved), 'key');
  assert.deepEqual([arena.created(moved), arena.updated(moved), arena.accessed(moved), arena.hits(moved), arena.expires(moved)], [10, 20, 30, 4, 50]);
  const slot = Math.ceil((HEADER_BYTES + 3 + 293) / 8) * 8;
  assert.equal(arena.usage().freeBytes, slot);
  assert.equal(put(arena, 'yek', Buffer.alloc(290, 4)), ref, 'the freed slot is reused by a record of its size');
  assert.equal(arena.usage().freeBytes, 0);
});

test('records fill a slab to its end, and the next one starts a new slab', () => {
  const arena = new RecordArena();
  // 64 slots of 16 KiB fill one slab exactly.
  const largest = MAX_SLOT_BYTES - HEADER_BYTES - 1;
  const refs = Array.from({ length: SLAB_BYTES / MAX_SLOT_BYTES }, (_, i) => put(arena, String.fromCharCode(65 + (i % 26)), Buffer.alloc(largest, i)));
  assert.equal(arena.usage().reservedBytes, SLAB_BYTES);
  assert.equal(arena.usage().largeBuffers, 0, 'a record of the largest slot size stays in the slab');
  const last = refs.at(-1)!;
  assert.deepEqual(arena.value(last), Buffer.alloc(largest, refs.length - 1));
  const next = put(arena, 'next', Buffer.from('x'));
  assert.equal(arena.usage().reservedBytes, 2 * SLAB_BYTES);
  assert.equal(next, SLAB_BYTES / 8, 'the first slot of the second slab');
  assert.equal(arena.value(next).toString(), 'x');
  refs.forEach((r, i) => assert.equal(arena.value(r)[0], i));
});

test('records too large for a slot keep key and value in a buffer of their own, copied in and out', () => {
  const arena = new RecordArena();
  const key = 'é'.repeat(65_536);
  const big = randomBytes(MAX_SLOT_BYTES - HEADER_BYTES);
  const ref = put(arena, 'k', big);
  assert.equal(arena.usage().largeBuffers, 1, 'one byte past the largest slot');
  big.fill(0);
  assert.notDeepEqual(arena.value(ref), big);
  const longKey = put(arena, key, Buffer.from('small value'));
  assert.equal(arena.key(longKey), key);
  assert.equal(arena.value(longKey).toString(), 'small value');
  assert.equal(arena.usage().largeBuffers, 2);
  const small = arena.replaceValue(ref, Buffer.from('small'));
  assert.notEqual(small, ref);
  assert.equal(arena.value(small).toString(), 'small');
  assert.equal(arena.key(small), 'k');
  assert.equal(arena.usage().largeBuffers, 1);
  const again = arena.replaceValue(small, Buffer.alloc(20_000, 7));
  assert.deepEqual(arena.value(again), Buffer.alloc(20_000, 7));
  assert.equal(arena.replaceValue(again, Buffer.alloc(30_000, 8)), again, 'a large record stays in its slot');
  assert.deepEqual(arena.value(again), Buffer.alloc(30_000, 8));
  assert.equal(arena.bytesOf(again), HEADER_BYTES + 8 + 1 + 30_000);
  arena.release(again);
  arena.release(longKey);
  assert.equal(arena.usage().largeBuffers, 0);
  assert.equal(arena.usage().reservedBytes, SLAB_BYTES, 'only the slots took slab space');
});

test('a released ref throws until its slot is reused; a ref outside the arena throws', () => {
  const arena = new RecordArena();
  const ref = put(arena, 'gone', Buffer.from('value'));
  arena.release(ref);
  assert.throws(() => arena.value(ref), /released/);
  assert.throws(() => arena.key(ref), /released/);
  assert.throws(() => arena.accessed(ref), /released/);
  assert.throws(() => arena.setAccessed(ref, 1), /released/);
  assert.throws(() => arena.replaceValue(ref, Buffer.from('x')), /released/);
  assert.throws(() => arena.release(ref), /released/, 'a double release is caught');
  assert.throws(() => arena.value(-1), /not in the record arena/);
  assert.throws(() => arena.value(SLAB_BYTES), /not in the record arena/);
  assert.equal(put(arena, 'back', Buffer.from('value')), ref);
  assert.equal(arena.key(ref), 'back');
});
