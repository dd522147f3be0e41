import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses 127.0.2.21-.23 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

describe('grid handshake refusals', () => {
  it('a wrong password or group name is refused and logged on both sides; every node keeps running alone', async () => {
    const a = gridNode({ configDir: config.dir, address: '127.0.2.21', route: 'OXA', staticNodes: ['127.0.2.21'] });
    await a.ready();
    const wrongPassword = gridNode({
      configDir: config.dir, address: '127.0.2.22', route: 'OXB', staticNodes: ['127.0.2.21'],
      set: { 'com.openexchange.hazelcast.group.password': 'not-the-secret' },
    });
    const wrongName = gridNode({
      configDir: config.dir, address: '127.0.2.23', route: 'OXC', staticNodes: ['127.0.2.21'],
      set: { 'com.openexchange.hazelcast.group.name': 'another-cluster' },
    });
    await Promise.all([wrongPassword.ready(), wrongName.ready()]);

    // Protocol 3.0: the acceptor checks the initiator's proof first (it never proves itself to a peer that has not).
    await wrongPassword.waitForLine(/handshake with 127\.0\.2\.21:5701 failed: 127\.0\.2\.21:5701 refused this member: wrong group password/);
    await a.waitForLine(/handshake from 127\.0\.2\.22:\d+ failed: refused 127\.0\.2\.22:\d+: wrong group password/);
    await wrongName.waitForLine(/handshake with 127\.0\.2\.21:5701 failed: 127\.0\.2\.21:5701 refused this member: wrong group name: "another-cluster-3"/);
    await a.waitForLine(/handshake from 127\.0\.2\.23:\d+ failed: refused 127\.0\.2\.23:\d+: wrong group name/);

    for (const [node, address] of [[a, '127.0.2.21'], [wrongPassword, '127.0.2.22'], [wrongName, '127.0.2.23']] as const) {
      assert.ok(node.running, `${address} still runs`);
      const h = await gridHealth(address);
      assert.equal(h?.grid?.members, 1, `${address} is alone`);
      assert.equal(h?.grid?.master, true);
    }
    assert.doesNotMatch(a.output() + wrongPassword.output(), /test-secret|not-the-secret/, 'no password in any log');
  });
});
