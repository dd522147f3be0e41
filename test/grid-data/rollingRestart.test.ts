import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { load, verify } from './support/dataCluster.js';
import { type LiteMember, liteMember, waitClusterSafe } from './support/liteMember.js';

// Addresses 127.0.4.21-.23 for the nodes, 127.0.4.29 for the test's lite member (this file only).
const addrs = ['127.0.4.21', '127.0.4.22', '127.0.4.23'];
const config = tempConfig();
let client: LiteMember | undefined;
after(() => config.remove());
afterEach(async () => {
  await client?.stop();
  client = undefined;
  await killAll();
});

const start = (i: number): NodeProcess => gridNode({ configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs });

test('a graceful rolling restart of all three nodes keeps every entry, verified between the steps', async () => {
  const nodes = [start(0)];
  await nodes[0].ready();
  nodes.push(start(1), start(2));
  await Promise.all(nodes.map((n) => n.ready()));
  client = await liteMember('127.0.4.29', addrs);
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
