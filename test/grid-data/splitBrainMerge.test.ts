import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { gridHealthIn, gridNode, waitForMembers } from '../support/gridNodes.js';
import type { NodeProcess } from '../support/nodeProcess.js';
import { oxkBin } from '../support/paths.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';
import { waitFor } from '../support/waitFor.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.5.21-.23, inside a private network namespace whose iptables rules split the cluster.
const addrs = ['127.0.5.21', '127.0.5.22', '127.0.5.23'];
const fx = privateNetworkFixture();

/** `oxk map` inside the namespace, connected to `address`. */
function map(address: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...pre] = fx.net.wrap;
  const argv = [...pre, process.execPath, oxkBin, 'map', '--connect', address, '--group', 'grid-cluster-test', '--password', 'test-secret', ...args];
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: stdout.trim(), stderr });
    });
  });
}

const health = (a: string) => gridHealthIn(fx.net, a);
const safe = (list: string[], members: number) => waitFor(`cluster safe with ${members} members on ${list.join(', ')}`, async () => {
  const all = await Promise.all(list.map(health));
  return all.every((h) => h?.grid?.members === members && h.grid.clusterSafe);
}, 30_000, 200);

test('split brain: both sides write; after the heal the smaller side\'s entries merge by latest update, many per partition', async () => {
  const start = (i: number): NodeProcess => gridNode({
    configDir: fx.config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs, wrap: fx.net.wrap,
    set: { 'com.openexchange.hazelcast.mergeFirstRunDelay': '2s', 'com.openexchange.hazelcast.mergeRunDelay': '2s' },
  });
  const nodes = await startThree(start);
  await safe(addrs, 3);
  assert.equal((await map(addrs[0], 'merged', 'load', '--count', '3000')).code, 0);

  const big = addrs.slice(0, 2);
  const small = addrs.slice(2);
  await fx.net.cut(big, small);
  await waitForMembers(big, 2, 20_000, health);
  await safe(small, 1);
  const bigWrites = await Promise.all([map(big[0], 'merged', 'put', 'both', 'big-older'), map(big[1], 'merged', 'put', 'only-big', 'big')]);
  assert.deepEqual(bigWrites.map((r) => r.code), [0, 0]);
  const smallWrites = await Promise.all([
    map(small[0], 'merged', 'put', 'both', 'small-newer'),
    map(small[0], 'merged', 'put', 'only-small', 'small'),
    map(small[0], 'merged', 'put', 'k1', 'value-1-small'),
  ]);
  assert.deepEqual(smallWrites.map((r) => r.code), [0, 0, 0]);
  // About 11 fresh keys per partition: each remote merge batch backs up more entries than a partition has replicas.
  assert.equal((await map(small[0], 'merged', 'load', '--count', '3000', '--prefix', 's')).code, 0);

  await fx.net.heal();
  await safe(addrs, 3);
  await nodes[2].waitForLine(/split-brain merge: \d+ entries of \d+ maps from this member, \d+ merged into the larger cluster/, 20_000);
  const [both, onlySmall, onlyBig, all] = await Promise.all([
    map(addrs[0], 'merged', 'get', 'both'),
    map(addrs[1], 'merged', 'get', 'only-small'),
    map(addrs[2], 'merged', 'get', 'only-big'),
    map(addrs[1], 'merged', 'verify', '--count', '3000'),
  ]);
  assert.equal(both.stdout, 'small-newer');
  assert.equal(onlySmall.stdout, 'small');
  assert.equal(onlyBig.stdout, 'big');
  assert.equal(all.stdout, 'verified 2999/3000 missing 0 wrong 1', 'k1 now holds the smaller side\'s newer value');
  assert.equal((await map(addrs[0], 'merged', 'verify', '--count', '3000', '--prefix', 's')).stdout, 'verified 3000/3000 missing 0 wrong 0');
  const refused = nodes.flatMap((n) => n.lines.filter((l) => /malformed "grid\.ops" answer/.test(l)));
  assert.deepEqual(refused, [], 'the owners\' answers to the merge batches (one backup ack per merged entry) pass their schema');
});
