import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { gridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { repoRoot } from '../support/paths.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.2.11-.18 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

describe('grid join', () => {
  it('forms one cluster of three with a static join; a fourth (lite) listing one node joins later', async () => {
    const addrs = ['127.0.2.11', '127.0.2.12', '127.0.2.13'];
    const nodes = addrs.map((address, i) => gridNode({ configDir: config.dir, address, route: `OX${i + 1}`, staticNodes: addrs }));
    await Promise.all(nodes.map((n) => n.ready()));
    const healths = await waitForMembers(addrs, 3);
    assert.equal(healths.filter((h) => h.grid!.master).length, 1, 'exactly one master');
    assert.equal(new Set(healths.map((h) => h.grid!.memberListVersion)).size, 1, 'one member list version everywhere');

    const late = gridNode({
      configDir: config.dir, address: '127.0.2.14', route: 'OX4', staticNodes: ['127.0.2.12'], set: { 'com.openexchange.hazelcast.liteMember': true },
    });
    await late.ready();
    await waitForMembers([...addrs, '127.0.2.14'], 4);
    const master = healths.find((h) => h.grid!.master)!;
    const lateHealth = await gridHealth('127.0.2.14');
    assert.equal(lateHealth?.grid?.master, false, 'the late node is not master');
    assert.equal(lateHealth?.grid?.lite, true, 'the late node is a lite member');
    assert.ok(master.grid!.address.startsWith('127.0.2.1'));
    for (const n of [...nodes, late]) assert.ok(n.running);
  });

  it('a node listed nowhere but listing the cluster joins without restarting anyone', async () => {
    const first = gridNode({ configDir: config.dir, address: '127.0.2.15', route: 'OX5', staticNodes: [] });
    await first.ready();
    await waitForMembers(['127.0.2.15'], 1);
    const second = gridNode({ configDir: config.dir, address: '127.0.2.16', route: 'OX6', staticNodes: ['127.0.2.15', 'no-such-host.invalid'] });
    await second.ready();
    await waitForMembers(['127.0.2.15', '127.0.2.16'], 2);
    await second.waitForLine(/cannot resolve "no-such-host\.invalid"/);
  });
});

describe('grid properties', () => {
  it('loads the stock OX hazelcast.properties (later names) and logs which name won when both are set', async () => {
    const stock = readFileSync(join(repoRoot, 'test', 'support', 'ox-config', 'hazelcast.properties'), 'utf8');
    const ox = tempConfig({ 'hazelcast.properties': `${stock}\ncom.openexchange.hazelcast.networkConfig.port=5811\n` });
    try {
      const node = gridNode({ configDir: ox.dir, address: '127.0.2.18', route: 'OXS', staticNodes: ['127.0.2.18'] });
      await node.ready();
      const h = await gridHealth('127.0.2.18');
      assert.equal(h?.grid?.address, '127.0.2.18:5811');
      await node.waitForLine(/com\.openexchange\.hazelcast\.network\.port \(.*\) and com\.openexchange\.hazelcast\.networkConfig\.port \(.*\) are both set; using com\.openexchange\.hazelcast\.networkConfig\.port=5811/);
    } finally {
      ox.remove();
    }
  });
});

describe('grid port auto-increment', () => {
  it('three nodes on one address take 5701, 5702 and 5703 and form one cluster', async () => {
    const address = '127.0.2.17';
    // Each node's HTTP connector gets its own port on the shared address; the grid port auto-increments.
    const httpPort = (i: number) => 8009 + i * 10;
    const nodes = [0, 1, 2].map((i) => gridNode({
      configDir: config.dir, address, route: `OXP${i}`, staticNodes: [address],
      set: { 'com.openexchange.connector.networkListenerPort': httpPort(i) },
    }));
    await Promise.all(nodes.map((n) => n.ready()));
    const ports = nodes.map((n) => Number(/127\.0\.2\.17:(\d+) \(id/.exec(n.output())?.[1]));
    assert.deepEqual([...ports].sort(), [5701, 5702, 5703]);
    assert.equal(nodes.filter((n) => /grid port 5701 was taken; listening on 127\.0\.2\.17:570[23] instead/.test(n.output())).length, 2);
    await waitFor('three members on every node of 127.0.2.17', async () => {
      const all = await Promise.all(nodes.map((_, i) => fetch(`http://${address}:${httpPort(i)}/health`)
        .then((r) => r.json() as Promise<{ grid?: { members: number } }>)
        .catch(() => undefined)));
      return all.every((h) => h?.grid?.members === 3);
    }, 20_000, 50);
  });
});
