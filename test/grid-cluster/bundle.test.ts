import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses 127.0.2.91-.93 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

describe('grid bundle', () => {
  it('with com.openexchange.hazelcast.enabled=false provides nothing and says so', async () => {
    const node = gridNode({ configDir: config.dir, address: '127.0.2.91', route: 'OXD', set: { 'com.openexchange.hazelcast.enabled': false } });
    await node.ready();
    await node.waitForLine(/grid disabled by com\.openexchange\.hazelcast\.enabled=false/);
    const h = await gridHealth('127.0.2.91');
    assert.ok(h, 'the node serves /health');
    assert.equal(h.grid, undefined, 'no grid section');
    assert.doesNotMatch(node.output(), /grid member .* starting/);
  });

  it('a static or multicast join without a group name fails the bundle with the reason', async () => {
    const node = gridNode({
      configDir: config.dir, address: '127.0.2.92', route: 'OXE', staticNodes: ['127.0.2.92'], set: { 'com.openexchange.hazelcast.group.name': '' },
    });
    await node.waitForLine(/--set com\.openexchange\.hazelcast\.group\.name: required when com\.openexchange\.hazelcast\.network\.join is "static"/);
  });

  it('a bad interface pattern in hazelcast.properties fails the bundle naming the file, line and key', async () => {
    const bad = tempConfig({ 'hazelcast.properties': 'com.openexchange.hazelcast.enabled=true\ncom.openexchange.hazelcast.network.interfaces=10.0.0\n' });
    try {
      const node = new NodeProcess({ configDir: bad.dir, label: 'OXF', set: { 'com.openexchange.connector.networkListenerHost': '127.0.2.93' } });
      await node.waitForLine(/hazelcast\.properties:2 com\.openexchange\.hazelcast\.network\.interfaces: bad interface pattern "10\.0\.0": expected four octets/);
    } finally {
      bad.remove();
    }
  });
});
