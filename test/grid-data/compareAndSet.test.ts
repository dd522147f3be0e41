import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { DataCluster } from './support/dataCluster.js';

let cluster: DataCluster;
afterEach(async () => cluster.stopAll());

test('replace(key, expected, value) stores only while the value equals expected, and its backup survives the owner', async () => {
  cluster = new DataCluster();
  const [a, b, c] = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  const keys = Array.from({ length: 40 }, (_, i) => `cas-${i}`);
  const m = a.layer.getMap<{ v: number }>('cas');
  assert.equal(await m.replace('absent', { v: 0 }, { v: 1 }), false, 'no entry, nothing to compare with');
  assert.equal(await m.get('absent'), undefined);
  for (const k of keys) assert.equal(await m.putIfAbsent(k, { v: 1 }), undefined);
  for (const k of keys) {
    assert.equal(await b.layer.getMap<{ v: number }>('cas').replace(k, { v: 1 }, { v: 2 }), true, `${k}: 1 -> 2`);
    assert.equal(await c.layer.getMap<{ v: number }>('cas').replace(k, { v: 1 }, { v: 3 }), false, `${k}: 1 is gone`);
  }
  cluster.crash(a);
  const readers = c.layer.getMap<{ v: number }>('cas');
  assert.deepEqual(await Promise.all(keys.map((k) => readers.get(k))), keys.map(() => ({ v: 2 })));
});
