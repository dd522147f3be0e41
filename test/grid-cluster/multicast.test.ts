import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type GridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { PrivateNetwork } from '../support/privateNetwork.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses 127.0.3.11-.13, inside a private network namespace (multicast on its loopback only).
const config = tempConfig();
let net: PrivateNetwork;
before(async () => {
  net = await PrivateNetwork.create();
});
after(() => {
  net?.close();
  config.remove();
});
afterEach(() => killAll());

describe('grid multicast join', () => {
  it('three nodes find each other by multicast and form one cluster', async () => {
    const addrs = ['127.0.3.11', '127.0.3.12', '127.0.3.13'];
    const nodes = addrs.map((address, i) => gridNode({
      configDir: config.dir, address, route: `OXM${i + 1}`, wrap: net.wrap,
      set: { 'com.openexchange.hazelcast.network.join': 'multicast', 'com.openexchange.hazelcast.network.join.multicast.port': 54331 },
    }));
    await Promise.all(nodes.map((n) => n.ready()));
    const health = async (a: string) => {
      const body = await net.get(`http://${a}:8009/health`);
      return body ? JSON.parse(body) as GridHealth : undefined;
    };
    const healths = await waitForMembers(addrs, 3, 20_000, health);
    assert.equal(healths.filter((h) => h.grid!.master).length, 1);
    assert.deepEqual([...healths[0]!.grid!.memberAddresses].sort(), addrs.map((a) => `${a}:5701`));
  });
});
