import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CacheCluster } from '../support/cacheCluster.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Three nodes on 127.0.7.11-.13 (cache block, this file's sub-range), invalidation over the grid topic.
const HOSTS = ['127.0.7.11', '127.0.7.12', '127.0.7.13'];
const ROUTES = ['OX11', 'OX12', 'OX13'];
// The stock config folder as shipped: cache.ccf is Open-Xchange's, unchanged.
const config = tempConfig();
const nodes: NodeProcess[] = [];
const clients = HOSTS.map((h) => new CacheClient(h));

function start(i: number): NodeProcess {
  nodes[i] = gridNode({
    configDir: config.dir,
    address: HOSTS[i]!,
    route: ROUTES[i]!,
    staticNodes: HOSTS,
    set: { 'kernel.bundles.path': cacheDriverBundlesPath, 'com.openexchange.hazelcast.group.name': 'cache-grid-test' },
  });
  return nodes[i]!;
}

const cluster = new CacheCluster(clients, ROUTES, 15_000);
const put = (i: number, region: string, key: string, value: string) => cluster.put(i, region, key, value);

describe('cache invalidation over the grid topic (three real nodes)', { timeout: 150_000 }, () => {
  before(async () => {
    await Promise.all([0, 1, 2].map((i) => start(i).ready(30_000)));
    await waitForMembers(HOSTS, 3, 30_000);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('loads the stock Open-Xchange cache.ccf and runs in grid-topic mode', async () => {
    const info = await clients[0]!.info();
    assert.equal(info.mode, 'grid-topic');
    for (const region of ['User', 'Context', 'OXFolderCache', 'GlobalFolderCache', 'OXMessageCache']) assert.ok(info.regions.includes(region), region);
    assert.match(nodes[0]!.output(), /cache regions: 12 from cache\.ccf \(9 invalidated cluster-wide\), invalidation mode grid-topic/);
    assert.doesNotMatch(nodes[0]!.output(), /cache\.ccf:\d+/, 'no warning about a cache.ccf line');
  });

  it('drops a removed or updated entry on the other nodes; a put of a new key and local regions do not propagate', () => cluster.checkPropagation());

  it('a restarted node receives invalidations again', async () => {
    await nodes[2]!.stop();
    assert.equal(nodes[2]!.exitCode, 0);
    await waitForMembers(HOSTS.slice(0, 2), 2, 30_000);
    await start(2).ready(30_000);
    await waitForMembers(HOSTS, 3, 30_000);
    await put(2, 'Context', 'c1', 'v');
    await put(2, 'Context', 'keep', 'v');
    await clients[0]!.remove('Context', 'c1');
    await waitFor('c1 gone on the restarted node', async () => (await clients[2]!.get('Context', 'c1')) === undefined, 15_000);
    assert.equal(await clients[2]!.get('Context', 'keep'), 'v');
  });

  it('a node that was killed (SIGKILL) and is back receives invalidations again', async () => {
    await nodes[1]!.kill();
    await waitForMembers([HOSTS[0]!, HOSTS[2]!], 2, 30_000);
    await clients[0]!.remove('User', 'while-down');
    await start(1).ready(30_000);
    await waitForMembers(HOSTS, 3, 30_000);
    await put(1, 'User', 'back', 'v');
    await put(1, 'User', 'stays', 'v');
    await clients[2]!.remove('User', 'back');
    await waitFor('back gone on the revived node', async () => (await clients[1]!.get('User', 'back')) === undefined, 15_000);
    assert.equal(await clients[1]!.get('User', 'stays'), 'v');
  });
});
