import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { load, verify } from './support/dataCluster.js';
import { liteMember, stopLiteMembers, waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.4.21-.23 for the nodes, 127.0.4.29 for the test's lite member (this file only).
const addrs = ['127.0.4.21', '127.0.4.22', '127.0.4.23'];
const config = tempConfig();
after(() => config.remove());
afterEach(async () => {
  await stopLiteMembers();
  await killAll();
});

const start = (i: number): NodeProcess => gridNode({ configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs });

test('a graceful rolling restart of all three nodes keeps every entry, verified between the steps', async () => {
  const nodes = await startThree(start);
  const client = await liteMember('127.0.4.29', addrs);
  await waitClusterSafe(addrs, 4);
  await load(client.layer, 'rolling', 10_000);
  for (let i = 0; i < 3; i++) {
    await nodes[i].stop(30_000);
    assert.equal(nodes[i].exitCode, 0, `node ${i + 1} stopped cleanly`);
    assert.match(nodes[i].output(), /handed off all partitions in \d+ ms/);
    assert.deepEqual(await verify(client.layer, 'rolling', 10_000), { missing: 0, wrong: 0 }, `after stopping node ${i + 1}`);
    nodes[i] = start(i);
    await nodes[i].ready();
    await waitClusterSafe(addrs, 4);
  }
  assert.deepEqual(await verify(client.layer, 'rolling', 10_000), { missing: 0, wrong: 0 });
  assert.equal(await client.layer.getMap('rolling').size(), 10_000);
});

test('writes in flight while a node is SIGKILLed: every acknowledged write survives', async () => {
  const nodes = await startThree(start);
  const client = await liteMember('127.0.4.29', addrs);
  await waitClusterSafe(addrs, 4);
  const m = client.layer.getMap<number>('inflight');
  const acked = new Map<string, number>();
  const failures: string[] = [];
  let next = 0;
  let stop = false;
  const writers = Array.from({ length: 32 }, async () => {
    while (!stop) {
      const i = next++;
      const key = `w${i % 5000}`;
      try {
        await m.put(key, i);
        if ((acked.get(key) ?? -1) < i) acked.set(key, i);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  await waitFor('writes before the kill', () => next > 5000, 20_000);
  await nodes[1].kill();
  const atKill = next;
  await waitFor('writes after the kill', () => next > atKill + 5000, 30_000);
  stop = true;
  await Promise.all(writers);
  assert.deepEqual(failures, []);
  let lost = 0;
  for (const [key, value] of acked) if ((await m.get(key)) !== value) lost++;
  assert.equal(lost, 0, `${lost} of ${acked.size} acknowledged writes lost`);
});
