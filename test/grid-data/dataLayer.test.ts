import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { DistributedMap } from '../../bundles/grid/api.js';
import { waitFor } from '../support/waitFor.js';
import { DataCluster, load, verify } from './support/dataCluster.js';

let cluster: DataCluster;
afterEach(async () => cluster.stopAll());

test('three members, backup 1: crash one, then another after cluster safe; nothing is lost', async () => {
  cluster = new DataCluster();
  const [a, b, c] = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  await load(a.layer, 'm', 3000);
  assert.deepEqual(await verify(c.layer, 'm', 3000), { missing: 0, wrong: 0 });
  const owned = [a, b, c].map((n) => n.layer.getMap('m').localStats().ownedEntryCount);
  assert.equal(owned.reduce((x, y) => x + y, 0), 3000);
  assert.ok(owned.every((n) => n > 500), `owned ${owned}`);
  cluster.crash(b);
  assert.deepEqual(await verify(a.layer, 'm', 3000), { missing: 0, wrong: 0 });
  await cluster.safe();
  cluster.crash(a);
  assert.deepEqual(await verify(c.layer, 'm', 3000), { missing: 0, wrong: 0 });
  assert.equal(await c.layer.getMap('m').size(), 3000);
});

test('graceful rolling restart keeps every entry', async () => {
  cluster = new DataCluster();
  let nodes = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  await load(nodes[0].layer, 'm', 2000);
  for (let i = 0; i < 3; i++) {
    const [gone, ...rest] = nodes;
    await cluster.leave(gone);
    assert.deepEqual(await verify(rest[0].layer, 'm', 2000), { missing: 0, wrong: 0 });
    nodes = [...rest, cluster.start()];
    await cluster.safe();
    assert.deepEqual(await verify(nodes[2].layer, 'm', 2000), { missing: 0, wrong: 0 });
  }
});

test('with backup 0 a crash loses the dead member\'s share, and only that', async () => {
  const maps = new Map([['nob', { name: 'nob', backupCount: 0, asyncBackupCount: 0, readBackupData: false, maxIdleSeconds: 0, timeToLiveSeconds: 0 }]]);
  cluster = new DataCluster({ maps });
  const [a, b, c] = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  await load(a.layer, 'nob', 1500);
  const share = b.layer.getMap('nob').localStats().ownedEntryCount;
  assert.equal(b.layer.getMap('nob').localStats().backupEntryCount + a.layer.getMap('nob').localStats().backupEntryCount, 0);
  cluster.crash(b);
  await cluster.safe();
  const result = await verify(c.layer, 'nob', 1500);
  assert.ok(share > 0);
  assert.deepEqual(result, { missing: share, wrong: 0 });
});

test('map operations, TTL, max idle and listeners across members', async () => {
  const maps = new Map([['idle', { name: 'idle', backupCount: 1, asyncBackupCount: 0, readBackupData: true, maxIdleSeconds: 1, timeToLiveSeconds: 0 }]]);
  cluster = new DataCluster({ maps });
  const [a, b] = [cluster.start(), cluster.start()];
  await cluster.safe();
  const m = a.layer.getMap<{ n: number }>('ops');
  const events: string[] = [];
  b.layer.getMap<{ n: number }>('ops').addEntryListener({
    added: (e) => events.push(`added ${e.key} ${e.value?.n}`),
    updated: (e) => events.push(`updated ${e.key} ${e.oldValue?.n}->${e.value?.n}`),
    removed: (e) => events.push(`removed ${e.key} ${e.oldValue?.n}`),
    expired: (e) => events.push(`expired ${e.key}`),
  });
  await waitFor('listener registered everywhere', async () => {
    await m.put('probe', { n: 0 });
    return events.length > 0;
  });
  events.length = 0;
  assert.equal(await m.put('x', { n: 1 }), undefined);
  assert.deepEqual(await m.put('x', { n: 2 }), { n: 1 });
  assert.deepEqual(await m.putIfAbsent('x', { n: 3 }), { n: 2 });
  assert.equal(await m.replace('nope', { n: 4 }), undefined);
  assert.equal(await m.containsKey('nope'), false);
  assert.deepEqual(await m.remove('x'), { n: 2 });
  assert.equal(await m.set('s', { n: 6 }), undefined);
  assert.equal(await m.set('s', { n: 7 }), undefined, 'set answers no old value');
  assert.deepEqual(await b.layer.getMap('ops').get('s'), { n: 7 });
  await m.put('t', { n: 5 }, { ttlSeconds: 1 });
  assert.deepEqual(await b.layer.getMap('ops').get('t'), { n: 5 });
  await waitFor('TTL expiry', async () => (await m.get('t')) === undefined, 5000);
  await waitFor('all events', () => events.length >= 7, 5000);
  assert.deepEqual(events, ['added x 1', 'updated x 1->2', 'removed x 2', 'added s 6', 'updated s 6->7', 'added t 5', 'expired t']);
  assert.deepEqual((await m.keys()).sort(), ['probe', 's']);

  const idle = a.layer.getMap<string>('idle');
  await idle.put('kept', 'k');
  await idle.put('idle', 'i');
  await waitFor('idle entry evicted while the other is read', async () => {
    assert.equal(await idle.get('kept'), 'k');
    return !(await b.layer.getMap('idle').keys()).includes('idle');
  }, 5000, 200);
  assert.equal(await b.layer.getMap('idle').get('kept'), 'k');
});

test('keys and values over the size limits are refused with a clear error', async () => {
  cluster = new DataCluster({ maxKeySize: 16, maxValueSize: 64 });
  const a = cluster.start();
  await cluster.safe();
  await assert.rejects(a.layer.getMap('m').put('k'.repeat(17), 1), /17 bytes, more than the limit of 16.*maxKeySize/);
  await assert.rejects(a.layer.getMap('m').put('k', 'v'.repeat(100)), /more than the limit of 64.*maxValueSize/);
});

test('operations without any data member fail after the deadline with a clear error', async () => {
  cluster = new DataCluster({ operationTimeoutMs: 300 });
  const lite = cluster.start({ lite: true });
  await assert.rejects(lite.layer.getMap('m').put('k', 1), /did not complete within 300 ms.*cluster still forming/);
});

test('a lite member holds nothing but reads and writes everything', async () => {
  cluster = new DataCluster();
  const a = cluster.start();
  const lite = cluster.start({ lite: true });
  cluster.start();
  await cluster.safe();
  await load(lite.layer, 'm', 500);
  assert.deepEqual(await verify(a.layer, 'm', 500), { missing: 0, wrong: 0 });
  assert.equal(lite.layer.partitions().filter((p) => p.owner === lite.spi.local.id || p.backups.includes(lite.spi.local.id)).length, 0);
  assert.equal(lite.layer.getMap('m').localStats().ownedEntryCount, 0);
});

/** Puts `w<i % keys>` = i from 32 writers until `stop()`; remembers the newest acknowledged value per key. */
function writeLoad(m: DistributedMap<number>, keys: number) {
  const acked = new Map<string, number>();
  const failures: string[] = [];
  let next = 0;
  let stopped = false;
  const writers = Array.from({ length: 32 }, async () => {
    while (!stopped) {
      const i = next++;
      const key = `w${i % keys}`;
      try {
        await m.put(key, i);
        if ((acked.get(key) ?? -1) < i) acked.set(key, i);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  return {
    acked,
    failures,
    count: () => next,
    stop: async () => {
      stopped = true;
      await Promise.all(writers);
    },
  };
}

async function lostWrites(m: DistributedMap<number>, acked: Map<string, number>): Promise<number> {
  let lost = 0;
  for (const [key, value] of acked) if ((await m.get(key)) !== value) lost++;
  return lost;
}

test('no acknowledged write is lost when members crash while writes are in flight (backup 1)', async () => {
  cluster = new DataCluster();
  const [a, b, c] = [cluster.start(), cluster.start(), cluster.start()];
  const writer = cluster.start({ lite: true });
  await cluster.safe();
  const load = writeLoad(writer.layer.getMap<number>('inflight'), 3000);
  await waitFor('some writes', () => load.count() > 3000);
  cluster.crash(b);
  await waitFor('writes after the first crash', () => load.count() > 12_000, 20_000);
  await cluster.safe();
  cluster.crash(a);
  await waitFor('writes after the second crash', () => load.count() > 20_000, 20_000);
  await load.stop();
  assert.deepEqual(load.failures, []);
  assert.equal(await lostWrites(c.layer.getMap<number>('inflight'), load.acked), 0);
});

test('no acknowledged write is lost while partitions migrate to joining members and away from a leaving one', async () => {
  cluster = new DataCluster({ migrationParallelism: 2 });
  const [a, b] = [cluster.start(), cluster.start()];
  const writer = cluster.start({ lite: true });
  await cluster.safe();
  const load = writeLoad(writer.layer.getMap<number>('moving'), 3000);
  await waitFor('some writes', () => load.count() > 3000);
  const c = cluster.start();
  cluster.start();
  await cluster.safe();
  await waitFor('writes after the joins', () => load.count() > 10_000, 20_000);
  await cluster.leave(a);
  await waitFor('writes after the leave', () => load.count() > 16_000, 20_000);
  await cluster.safe();
  cluster.crash(b);
  await load.stop();
  assert.deepEqual(load.failures, []);
  assert.equal(await lostWrites(c.layer.getMap<number>('moving'), load.acked), 0);
});
