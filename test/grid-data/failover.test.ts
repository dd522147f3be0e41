import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.4.11-.13 (this file only); `oxk map` binds next to the node it connects to.
const addrs = ['127.0.4.11', '127.0.4.12', '127.0.4.13'];
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

const start = (i: number): NodeProcess => gridNode({ configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs });
const map = (connect: string, ...args: string[]) => runOxk(['map', '--connect', connect, '--group', 'grid-cluster-test', '--password', 'test-secret', ...args], { timeoutMs: 60_000 });

test('three nodes, backup 1: 20k entries survive a SIGKILL, and another one after the cluster is safe again', async () => {
  const nodes = await startThree(start);
  await waitClusterSafe(addrs, 3);

  const load = await map(addrs[0], 'data', 'load', '--count', '20000');
  assert.equal(load.code, 0, load.stderr);
  assert.match(load.stdout, /loaded 20000 entries in \d+ ms \(\d+ ops\/s\)/);

  await nodes[1].kill();
  const first = await map(addrs[2], 'data', 'verify', '--count', '20000');
  assert.equal(first.stdout.trim(), 'verified 20000/20000 missing 0 wrong 0', first.stderr);
  assert.equal(first.code, 0);

  nodes[1] = start(1);
  await nodes[1].ready();
  await waitClusterSafe(addrs, 3);
  await nodes[0].kill();
  const second = await map(addrs[1], 'data', 'verify', '--count', '20000');
  assert.equal(second.stdout.trim(), 'verified 20000/20000 missing 0 wrong 0', second.stderr);

  const size = await map(addrs[2], 'data', 'size');
  assert.equal(size.stdout.trim(), '20000');
  const missing = await map(addrs[2], 'data', 'verify', '--count', '20010');
  assert.equal(missing.code, 1, 'verify fails when entries are missing');
  assert.match(missing.stdout, /verified 20000\/20010 missing 10 wrong 0/);
});
