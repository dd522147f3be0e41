import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridHealthIn, gridNode, waitForMembers } from '../support/gridNodes.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';

// Addresses 127.0.3.11-.13, inside a private network namespace (multicast on its loopback only).
const fx = privateNetworkFixture();

describe('grid multicast join', () => {
  it('three nodes find each other by multicast and form one cluster', async () => {
    const addrs = ['127.0.3.11', '127.0.3.12', '127.0.3.13'];
    const nodes = addrs.map((address, i) => gridNode({
      configDir: fx.config.dir, address, route: `OXM${i + 1}`, wrap: fx.net.wrap,
      set: { 'com.openexchange.hazelcast.network.join': 'multicast', 'com.openexchange.hazelcast.network.join.multicast.port': 54331 },
    }));
    await Promise.all(nodes.map((n) => n.ready()));
    const health = (a: string) => gridHealthIn(fx.net, a);
    const healths = await waitForMembers(addrs, 3, 20_000, health);
    assert.equal(healths.filter((h) => h.grid!.master).length, 1);
    assert.deepEqual([...healths[0]!.grid!.memberAddresses].sort(), addrs.map((a) => `${a}:5701`));
  });
});
