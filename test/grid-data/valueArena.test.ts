import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { MapRecord, RecordMap } from '../../bundles/grid/map/recordStore.js';
import { MAX_SLOT_BYTES, RELEASED, ValueArena } from '../../bundles/grid/map/valueArena.js';

test('values read back byte for byte, across slabs, and a read is a copy', () => {
  const arena = new ValueArena();
  const values = Array.from({ length: 5000 }, (_, i) => randomBytes(i % 700));
  const refs = values.map((v) => arena.store(v));
  assert.ok(arena.usage().reservedBytes > 1 << 20, 'the values span more than one slab');
  values.forEach((v, i) => assert.deepEqual(arena.read(refs[i]), v));
  const copy = arena.read(refs[1]);
  copy.fill(0);
  assert.deepEqual(arena.read(refs[1]), values[1]);
});

test('an update of the same slot size stays in its slot; another size moves and frees the old slot', () => {
  const arena = new ValueArena();
  const ref = arena.store(Buffer.alloc(290, 1));
  assert.equal(arena.replace(ref, Buffer.alloc(300, 2)), ref);
  assert.deepEqual(arena.read(ref), Buffer.alloc(300, 2));
  const moved = arena.replace(ref, Buffer.alloc(1000, 3));
  assert.notEqual(moved, ref);
  assert.deepEqual(arena.read(moved), Buffer.alloc(1000, 3));
  assert.equal(arena.usage().freeBytes, 304);
  assert.equal(arena.store(Buffer.alloc(295, 4)), ref, 'the freed slot is reused by a value of its size');
  assert.equal(arena.usage().freeBytes, 0);
});

test('values too large for a slot get their own buffer, copied in and out', () => {
  const arena = new ValueArena();
  const big = randomBytes(MAX_SLOT_BYTES + 1);
  const ref = arena.store(big);
  assert.equal(typeof ref, 'object');
  assert.equal(arena.length(ref), big.length);
  big.fill(0);
  assert.notDeepEqual(arena.read(ref), big);
  const small = arena.replace(ref, Buffer.from('small'));
  assert.equal(typeof small, 'number');
  assert.equal(arena.read(small).toString(), 'small');
  assert.equal(arena.usage().reservedBytes, 1 << 20, 'only the small value took slab space');
});

test('a store releases the records it replaces, deletes and clears; a released value cannot be read', () => {
  const store = new RecordMap();
  const record = (text: string) => new MapRecord(Buffer.from(text), 1, 1, 1, 0, 0);
  const first = record('first');
  store.set('a', first);
  store.set('a', record('second'));
  assert.throws(() => first.value, /released/);
  assert.equal(store.get('a')!.value.toString(), 'second');
  const b = record('b');
  store.set('b', b);
  store.delete('b');
  assert.throws(() => b.valueLength, /released/);
  const a = store.get('a')!;
  store.clear();
  assert.throws(() => a.value, /released/);
  assert.equal(RELEASED, -1);
});
