import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { NodeProcess } from '../support/nodeProcess.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';
import { CREDENTIALS, managementNode } from '../management/managementNode.js';

// A client that is not on loopback: inside a private network namespace, lo also carries
// 10.77.12.1 and the node listens on every address there; nothing leaves the namespace.
const REMOTE = '10.77.12.1';
const CLUSTER = 'edge-health-secret-cluster';
const GRID = '127.0.12.3';

const fx = privateNetworkFixture();

interface Health { status: string; bundles: Record<string, unknown>; grid: Record<string, unknown> }

describe('/health towards callers that are not on loopback', () => {
  let node: NodeProcess;

  before(async () => {
    await fx.net.exec(['ip', 'addr', 'add', `${REMOTE}/32`, 'dev', 'lo']);
    await fx.net.exec(['ip', 'addr', 'add', `${GRID}/32`, 'dev', 'lo']);
    node = managementNode({
      configDir: fx.config.dir, address: '0.0.0.0', route: 'OX123', wrap: fx.net.wrap,
      set: { 'com.openexchange.hazelcast.network.interfaces': GRID, 'com.openexchange.hazelcast.group.name': CLUSTER },
    });
    await node.ready(30_000);
  });

  async function health(host: string, auth?: string): Promise<{ text: string; json: Health }> {
    const { stdout } = await fx.net.exec(['curl', '-s', '--max-time', '5', ...(auth ? ['-u', auth] : []), `http://${host}:8009/health`]);
    return { text: stdout, json: JSON.parse(stdout) as Health };
  }

  // One test: the fixture kills the node after each.
  it('remote callers without credentials get status and counts; credentials or loopback show every detail', async () => {
    const { text, json } = await health(REMOTE);
    assert.equal(json.status, 'UP');
    assert.deepEqual(Object.keys(json).sort(), ['bundles', 'grid', 'status']);
    assert.deepEqual(json.grid, { members: 1, partitionsLost: 0 });
    assert.deepEqual(Object.keys(json.bundles).sort(), ['active', 'total']);
    assert.ok(typeof json.bundles.total === 'number' && json.bundles.total >= (json.bundles.active as number));
    for (const secret of [CLUSTER, GRID, 'OX123']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);

    assert.deepEqual((await health(REMOTE, `${CREDENTIALS.user}:wrong`)).json.grid, { members: 1, partitionsLost: 0 });
    const full = (await health(REMOTE, `${CREDENTIALS.user}:${CREDENTIALS.password}`)).json;
    assert.ok(String(full.grid.cluster).startsWith(CLUSTER), String(full.grid.cluster));
    assert.equal(full.grid.address, `${GRID}:5701`);
    assert.equal(typeof full.grid.id, 'string');
    assert.equal(full.bundles.http, 'ACTIVE');

    const local = (await health('127.0.0.1')).json;
    assert.ok(String(local.grid.cluster).startsWith(CLUSTER), String(local.grid.cluster));
    assert.deepEqual(local.grid.memberAddresses, [`${GRID}:5701`]);
    assert.equal(local.bundles.management, 'ACTIVE');
  });
});
