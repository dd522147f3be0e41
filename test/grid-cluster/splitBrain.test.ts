import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridHealthIn, gridNode, waitForMembers } from '../support/gridNodes.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';

// Addresses 127.0.3.21-.25, inside a private network namespace whose iptables rules cut the cluster.
const fx = privateNetworkFixture();

describe('grid split brain', () => {
  it('a network partition splits the cluster in two; after healing, the smaller side merges into the larger', async () => {
    const addrs = [1, 2, 3, 4, 5].map((i) => `127.0.3.2${i}`);
    const nodes = addrs.map((address, i) => gridNode({
      configDir: fx.config.dir, address, route: `OXS${i + 1}`, staticNodes: addrs, wrap: fx.net.wrap,
      set: { 'com.openexchange.hazelcast.mergeFirstRunDelay': '2s', 'com.openexchange.hazelcast.mergeRunDelay': '2s' },
    }));
    await Promise.all(nodes.map((n) => n.ready()));
    const health = (a: string) => gridHealthIn(fx.net, a);
    await waitForMembers(addrs, 5, 20_000, health);

    const big = addrs.slice(0, 3);
    const small = addrs.slice(3);
    await fx.net.cut(big, small);
    const bigSide = await waitForMembers(big, 3, 20_000, health);
    const smallSide = await waitForMembers(small, 2, 20_000, health);
    assert.equal(bigSide.filter((h) => h.grid!.master).length, 1, 'one master on the larger side');
    assert.equal(smallSide.filter((h) => h.grid!.master).length, 1, 'one master on the smaller side');

    await fx.net.heal();
    const healed = await waitForMembers(addrs, 5, 30_000, health);
    assert.equal(healed.filter((h) => h.grid!.master).length, 1, 'one master after the merge');
    assert.ok(big.some((a) => `${a}:5701` === healed[0]!.grid!.memberAddresses[0]), 'the larger side\'s master stays master');
    const smallOutput = nodes.slice(3).map((n) => n.output()).join('\n');
    assert.match(smallOutput, /split brain: found cluster "grid-cluster-test-3" of 3 member\(s\).*this cluster of 2 merges into it/);
  });
});
