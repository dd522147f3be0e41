import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gridHealthIn, gridNode, waitForMembers } from '../support/gridNodes.js';
import type { NodeProcess } from '../support/nodeProcess.js';
import { repoRoot } from '../support/paths.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.14.21-.23, inside a private network namespace whose iptables rules cut one member off.
const addrs = ['127.0.14.21', '127.0.14.22', '127.0.14.23'];
const MAP = 'protected';
const UNPROTECTED = 'plain';
const fx = privateNetworkFixture();
const driverPath = join(repoRoot, 'test', 'fixtures', 'grid-bundles');

interface SetResult {
  acknowledged: string[];
  errors: { key: string; name: string; message: string }[];
}

/** Runs one request of the map-driver bundle from inside the namespace. */
async function driver<T>(address: string, method: 'GET' | 'POST', action: string, params: Record<string, string | number>): Promise<T> {
  const query = new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString();
  const { stdout } = await fx.net.exec(['curl', '-s', '--max-time', '60', '-X', method, `http://${address}:8009/test/map/${action}?${query}`]);
  return JSON.parse(stdout) as T;
}

const setMany = (address: string, map: string, prefix: string, count: number, value: string) => driver<SetResult>(address, 'POST', 'setMany', { map, prefix, count, value });
const getMany = (address: string, map: string, prefix: string, count: number) => driver<Record<string, string | null>>(address, 'GET', 'getMany', { map, prefix, count });
const health = (a: string) => gridHealthIn(fx.net, a);
const majority = addrs.slice(0, 2);
const isolated = addrs[2]!;

/** Three nodes with the map-driver bundle (map MAP protected with minimum 2), safe, `k0..k299` written; then the third is cut off. */
async function splitCluster(): Promise<NodeProcess[]> {
  const config = fx.config.dir;
  mkdirSync(join(config, 'hazelcast'), { recursive: true });
  writeFileSync(join(config, 'hazelcast', `${MAP}.properties`), [
    `com.openexchange.hazelcast.configuration.map.name=${MAP}`,
    'com.openexchange.hazelcast.configuration.map.backupCount=1',
    'com.openexchange.hazelcast.configuration.map.splitBrainProtection.minimumClusterSize=2',
    '',
  ].join('\n'));
  const nodes = addrs.map((address, i) => gridNode({
    configDir: config, address, route: `SBP${i + 1}`, staticNodes: addrs, wrap: fx.net.wrap,
    set: {
      'kernel.bundles.path': driverPath,
      'com.openexchange.hazelcast.mergeFirstRunDelay': '2s',
      'com.openexchange.hazelcast.mergeRunDelay': '2s',
    },
  }));
  await Promise.all(nodes.map((n) => n.ready()));
  await waitForMembers(addrs, 3, 20_000, health);
  await waitFor('cluster safe', async () => (await Promise.all(addrs.map(health))).every((h) => h?.grid?.clusterSafe), 30_000, 100);
  for (const map of [MAP, UNPROTECTED]) {
    const before = await setMany(addrs[0]!, map, 'k', 300, 'before');
    assert.equal(before.acknowledged.length, 300, JSON.stringify(before.errors.slice(0, 3)));
  }
  await fx.net.cut(majority, [isolated]);
  await waitForMembers(majority, 2, 20_000, health);
  await waitForMembers([isolated], 1, 20_000, health);
  return nodes;
}

/** Heals the cut and waits for the merged cluster to be safe. */
async function heal(nodes: NodeProcess[]): Promise<void> {
  await fx.net.heal();
  await waitForMembers(addrs, 3, 30_000, health);
  await waitFor('cluster safe after the merge', async () => (await Promise.all(addrs.map(health))).every((h) => h?.grid?.clusterSafe), 30_000, 100);
  assert.match(nodes[2]!.output(), /merges into it/, 'the isolated member merged into the majority');
}

describe('split-brain protection', () => {
  it('minimumClusterSize 2: the isolated member refuses at once, the majority accepts, and no acknowledged write is lost at the merge', async () => {
    const nodes = await splitCluster();
    const refused = await setMany(isolated, MAP, 'k', 50, 'isolated');
    assert.deepEqual(refused.acknowledged, [], 'the isolated side acknowledges nothing');
    assert.equal(refused.errors.length, 50);
    for (const e of refused.errors) {
      assert.equal(e.name, 'SplitBrainProtectionError');
      assert.match(e.message, /^map protected: split-brain protection requires at least 2 data members, this side of the cluster has 1 \(member 127\.0\.14\.23:5701\)/);
    }

    // The majority keeps working: overwrite the old keys and add new ones, through both of its members.
    const during = [
      await setMany(majority[0]!, MAP, 'k', 300, 'during'),
      await setMany(majority[1]!, MAP, 'n', 200, 'during'),
    ];
    for (const r of during) assert.deepEqual(r.errors, [], 'the majority acknowledges every write');

    await heal(nodes);

    for (const address of addrs) {
      const old = await getMany(address, MAP, 'k', 300);
      const fresh = await getMany(address, MAP, 'n', 200);
      const lost = [...Object.entries(old), ...Object.entries(fresh)].filter(([, v]) => v !== 'during');
      assert.deepEqual(lost, [], `every acknowledged write is there, read through ${address}`);
    }
  });

  it('without protection (the control): the isolated member acknowledges writes that the merge then discards', async () => {
    const nodes = await splitCluster();
    const accepted = await setMany(isolated, UNPROTECTED, 'k', 50, 'isolated');
    assert.deepEqual(accepted.errors, [], 'an unprotected map accepts writes on the isolated side');
    assert.equal(accepted.acknowledged.length, 50);
    const during = await setMany(majority[0]!, UNPROTECTED, 'k', 50, 'during');
    assert.deepEqual(during.errors, []);
    await heal(nodes);
    const values = await getMany(addrs[0]!, UNPROTECTED, 'k', 50);
    const kept = Object.values(values).filter((v) => v === 'isolated');
    assert.deepEqual(kept, [], 'the isolated side\'s acknowledged writes are gone: the merge kept the later majority writes');
  });
});
