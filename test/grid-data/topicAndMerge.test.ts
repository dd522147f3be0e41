import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { TopicMessage } from '../../bundles/grid/api.js';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { waitFor } from '../support/waitFor.js';
import { DataCluster, load, verify } from './support/dataCluster.js';

let cluster: DataCluster;
afterEach(async () => cluster.stopAll());

test('a reliable topic delivers in publish order with consecutive sequences, also after the ring owner crashes', async () => {
  cluster = new DataCluster();
  const data = [cluster.start(), cluster.start(), cluster.start()];
  const subscriber = cluster.start({ lite: true });
  await cluster.safe();
  const ownerId = data[0].layer.partitions()[partitionOf('t', 271)].owner;
  const ringOwner = data.find((n) => n.spi.local.id === ownerId)!;
  const publisher = data.find((n) => n !== ringOwner)!;
  const got: TopicMessage<number>[] = [];
  subscriber.layer.getTopic<number>('t').subscribe({ message: (m) => got.push(m), gap: () => assert.fail('no gap expected') });
  const pub = publisher.layer.getTopic<number>('t');
  await waitFor('subscriber reading', async () => {
    await pub.publish(-1);
    return got.length > 0;
  });
  got.length = 0;
  await Promise.all(Array.from({ length: 100 }, (_, i) => pub.publish(i)));
  await waitFor('100 messages', () => got.length >= 100);
  assert.deepEqual(got.map((m) => m.payload), Array.from({ length: 100 }, (_, i) => i));
  got.forEach((m, i) => i > 0 && assert.equal(m.sequence, got[i - 1].sequence + 1));
  assert.equal(got[0].publisher, publisher.spi.local.id);
  cluster.crash(ringOwner);
  await Promise.all(Array.from({ length: 20 }, (_, i) => pub.publish(100 + i)));
  await waitFor('20 more messages', () => got.length >= 120);
  assert.deepEqual(got.slice(100).map((m) => m.payload), Array.from({ length: 20 }, (_, i) => 100 + i));
  assert.equal(got[100].sequence, got[99].sequence + 1);
  assert.ok(pub.localStats().published >= 121);
  // The gap listener's assert.fail is caught and logged by the topic, so count the gaps as well.
  assert.equal(subscriber.layer.getTopic('t').localStats().gaps, 0, 'no gap expected');
});

test('a message published right after subscribe() is delivered, however late the first read reaches the ring', async () => {
  cluster = new DataCluster();
  const a = cluster.start();
  cluster.start();
  const lite = cluster.start({ lite: true });
  await cluster.safe();
  const got: string[] = [];
  cluster.hub.pause(lite.spi.local.id);
  lite.layer.getTopic<string>('late').subscribe({ message: (m) => got.push(m.payload) });
  await a.layer.getTopic<string>('late').publish('after subscribe');
  cluster.hub.resume(lite.spi.local.id);
  await waitFor('the message published while the first read was held back', () => got.includes('after subscribe'), 5000);
});

test('a subscriber that falls behind the ring is told about the gap', async () => {
  cluster = new DataCluster({ topicCapacity: 16 });
  const a = cluster.start();
  cluster.start();
  const lite = cluster.start({ lite: true });
  await cluster.safe();
  const got: number[] = [];
  const gaps: { from: number; to: number }[] = [];
  lite.layer.getTopic<number>('g').subscribe({ message: (m) => got.push(m.sequence), gap: (g) => gaps.push(g) });
  const pub = a.layer.getTopic<number>('g');
  await waitFor('subscriber reading', async () => {
    await pub.publish(0);
    return got.length > 0;
  });
  cluster.hub.pause(lite.spi.local.id);
  for (let i = 0; i < 50; i++) await pub.publish(i);
  cluster.hub.resume(lite.spi.local.id);
  await pub.publish(99);
  await waitFor('a gap, then the newest message', () => gaps.length > 0 && Math.max(...got) > gaps[0].to, 5000);
  assert.equal(gaps.length, 1);
  assert.ok(gaps[0].to >= gaps[0].from);
  assert.equal(lite.layer.getTopic('g').localStats().gaps, 1);
  const delivered = new Set(got);
  for (let seq = gaps[0].from; seq <= gaps[0].to; seq++) assert.ok(!delivered.has(seq), `sequence ${seq} is inside the gap`);
});

test('split brain: both sides write, the heal merges the smaller side by latest update', async () => {
  cluster = new DataCluster();
  const [a, b, c] = [cluster.start(), cluster.start(), cluster.start()];
  await cluster.safe();
  await load(a.layer, 'm', 600);
  cluster.hub.split([[a.spi.local.id, b.spi.local.id], [c.spi.local.id]]);
  await waitFor('both sides safe', () => a.layer.isClusterSafe() && c.layer.isClusterSafe(), 20_000);
  const big = a.layer.getMap<string>('m');
  const small = c.layer.getMap<string>('m');
  await big.put('both', 'big-older');
  await small.put('only-small', 'small');
  await big.put('only-big', 'big');
  await small.put('k1', 'value-1-small');
  const t0 = Date.now();
  await waitFor('the clock to move on', () => Date.now() > t0);
  await small.put('both', 'small-newer');
  assert.equal(await big.get('only-small'), undefined);
  await cluster.hub.heal();
  await cluster.safe();
  for (const n of [a, b, c]) {
    const m = n.layer.getMap<string>('m');
    assert.equal(await m.get('only-small'), 'small');
    assert.equal(await m.get('only-big'), 'big');
    assert.equal(await m.get('both'), 'small-newer');
    assert.equal(await m.get('k1'), 'value-1-small');
  }
  assert.deepEqual(await verify(b.layer, 'm', 600), { missing: 0, wrong: 1 });
  assert.equal(await a.layer.getMap('m').size(), 603);
});
