import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { MapConfig } from '../../bundles/grid/map/mapConfig.js';
import { DataCluster, type LocalNode, load, verify } from './support/dataCluster.js';

let cluster: DataCluster;
afterEach(async () => cluster.stopAll());

const mapConfig = (name: string, backupCount: number): MapConfig => ({ name, backupCount, asyncBackupCount: 0, readBackupData: false, maxIdleSeconds: 0, timeToLiveSeconds: 0 });

/** Counts the partition copies a member sends: chunks with records, and empty ones (barriers before a replica kept as it is). */
function countCopies(node: LocalNode): { copies: number; barriers: number } {
  const counts = { copies: 0, barriers: 0 };
  const request = node.spi.request.bind(node.spi);
  node.spi.request = ((to, service, payload, answer, timeoutMs) => {
    const msg = payload as { t?: string; c?: unknown[] };
    if (service === 'grid.partition' && msg.t === 'replica') {
      if (msg.c?.length) counts.copies++;
      else counts.barriers++;
    }
    return request(to, service, payload, answer, timeoutMs);
  }) as typeof node.spi.request;
  return counts;
}

test('a join under writes keeps in-sync replicas without copying them, and every replica stays exact', async () => {
  // 'nob' has no backup: a member promoted from backup to owner holds none of it and must get a copy.
  cluster = new DataCluster({ maps: new Map([['m', mapConfig('m', 1)], ['nob', mapConfig('nob', 0)]]) });
  const first = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  await load(first[0].layer, 'm', 3000);
  await load(first[0].layer, 'nob', 1000);
  const counts = first.map(countCopies);
  // Writes during the migration: the last acknowledged value of each key must survive it and later crashes.
  const w = first[1].layer.getMap<number>('w');
  const acked = new Map<string, number>();
  let writing = true;
  const writer = (async () => {
    for (let n = 0; writing; n++) {
      const key = `w${n % 500}`;
      await w.set(key, n);
      acked.set(key, n);
    }
  })();
  const joiner = cluster.start();
  await cluster.safe();
  writing = false;
  await writer;
  const barriers = counts.reduce((s, c) => s + c.barriers, 0);
  assert.ok(barriers > 0, 'some replicas were kept without a copy');
  assert.ok(counts.reduce((s, c) => s + c.copies, 0) > 0, 'the joiner got copies');
  assert.deepEqual(await verify(joiner.layer, 'm', 3000), { missing: 0, wrong: 0 });
  assert.deepEqual(await verify(joiner.layer, 'nob', 1000), { missing: 0, wrong: 0 });
  const check = async (reader: LocalNode) => {
    for (const [key, n] of acked) assert.equal(await reader.layer.getMap<number>('w').get(key), n, key);
    assert.deepEqual(await verify(reader.layer, 'm', 3000), { missing: 0, wrong: 0 });
  };
  await check(first[2]);
  // A graceful leave promotes the leaver's backups by migration: kept as they are for 'm', but
  // they hold none of 'nob', which must be copied to them.
  const before = barriers;
  await cluster.leave(first[0]);
  await cluster.safe();
  assert.ok(counts.reduce((s, c) => s + c.barriers, 0) > before, 'the hand-off kept some replicas without a copy');
  assert.deepEqual(await verify(joiner.layer, 'nob', 1000), { missing: 0, wrong: 0 });
  await check(joiner);
  // A crash promotes backups, kept ones included: they must hold every acknowledged write.
  cluster.crash(first[1]);
  await cluster.safe();
  await check(joiner);
});
