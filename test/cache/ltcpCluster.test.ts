import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CacheCluster } from '../support/cacheCluster.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { defaultConfigDir } from '../support/paths.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Three nodes on 127.0.7.21-.23, a misbehaving peer from 127.0.7.24 (cache block, this file's
// sub-range), legacy lateral TCP invalidation.
const HOSTS = ['127.0.7.21', '127.0.7.22', '127.0.7.23'];
const ROUTES = ['OX21', 'OX22', 'OX23'];
const stockCcf = readFileSync(join(defaultConfigDir, 'cache.ccf'), 'utf8');
// The stock file, unchanged, plus the one line an operator adds for static peers (last value wins).
const config = tempConfig({ 'cache.ccf': `${stockCcf}\njcs.auxiliary.LTCP.attributes.TcpServers=${HOSTS.map((h) => `${h}:57462`).join(',')}\n` });
const nodes: NodeProcess[] = [];
const clients = HOSTS.map((h) => new CacheClient(h));

function start(i: number): NodeProcess {
  const node = new NodeProcess({
    configDir: config.dir,
    label: ROUTES[i],
    set: {
      'com.openexchange.connector.networkListenerHost': HOSTS[i]!,
      'com.openexchange.server.backendRoute': ROUTES[i]!,
      'com.openexchange.caching.jcs.eventInvalidation': false,
      'com.openexchange.caching.jcs.ltcp.reconnectMaxDelay': '500ms',
      'kernel.bundles.grid.enabled': false,
      'kernel.bundles.path': cacheDriverBundlesPath,
    },
  });
  nodes[i] = node;
  return node;
}

/** Waits until node `i` has an LTCP connection from every other node. */
async function meshed(i: number): Promise<void> {
  const node = nodes[i]!;
  for (const route of ROUTES.filter((_, j) => j !== i)) {
    await waitFor(`${ROUTES[i]} accepted ${route}`, () => {
      const last = (suffix: string) => node.lines.map((l, n) => (l.includes(`LTCP peer ${route} `) && l.endsWith(suffix) ? n : -1)).reduce((a, b) => Math.max(a, b), -1);
      return last(' connected') > last(' disconnected');
    }, 20_000);
  }
}

const cluster = new CacheCluster(clients, ROUTES, 10_000);
const put = (i: number, region: string, key: string, value: string) => cluster.put(i, region, key, value);

describe('cache invalidation over LTCP (three real nodes)', { timeout: 120_000 }, () => {
  before(async () => {
    await Promise.all([0, 1, 2].map((i) => start(i).ready(30_000)));
    await Promise.all([0, 1, 2].map(meshed));
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('loads the stock Open-Xchange cache.ccf and runs in ltcp mode', async () => {
    const info = await clients[0]!.info();
    assert.equal(info.mode, 'ltcp');
    for (const region of ['User', 'Context', 'OXFolderCache', 'GlobalFolderCache', 'OXMessageCache']) assert.ok(info.regions.includes(region), region);
    assert.match(nodes[0]!.output(), /cache regions: 12 from cache\.ccf \(9 invalidated cluster-wide\), invalidation mode ltcp/);
    assert.doesNotMatch(nodes[0]!.output(), /cache\.ccf:\d+/, 'no warning about a cache.ccf line');
  });

  it('drops a removed or updated entry on the other nodes; a put of a new key and local regions do not propagate', () => cluster.checkPropagation());

  it('a peer sending garbage or vanishing mid-frame is dropped and logged; the node keeps serving', async () => {
    await put(1, 'User', 'served', 'v');
    const garbage = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: HOSTS[1]!, port: 57462, localAddress: '127.0.7.24' }, () => resolve(s));
      s.on('error', reject);
    });
    garbage.end(Buffer.from('\x16\x03\x01 definitely not an LTCP frame'));
    await nodes[1]!.waitForLine(/LTCP peer 127\.0\.7\.24:\d+: not an LTCP frame .* connection dropped/, 10_000);
    const partial = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: HOSTS[1]!, port: 57462, localAddress: '127.0.7.24' }, () => resolve(s));
      s.on('error', reject);
    });
    partial.end(Buffer.from([0x4a, 0x43, 1, 2, 0, 0, 0, 50, 1, 2, 3]));
    await nodes[1]!.waitForLine(/LTCP peer 127\.0\.7\.24:\d+ vanished mid-message \(11 of 58 bytes\)/, 10_000);
    assert.equal(await clients[1]!.get('User', 'served'), 'v');
    await clients[0]!.remove('User', 'served');
    await waitFor('served gone on OX22 after the garbage', async () => (await clients[1]!.get('User', 'served')) === undefined, 10_000);
  });

  it('a restarted node receives invalidations again', async () => {
    await nodes[2]!.stop();
    assert.equal(nodes[2]!.exitCode, 0);
    await start(2).ready(30_000);
    await meshed(2);
    await put(2, 'Context', 'c1', 'v');
    await put(2, 'Context', 'keep', 'v');
    await clients[0]!.remove('Context', 'c1');
    await waitFor('c1 gone on the restarted node', async () => (await clients[2]!.get('Context', 'c1')) === undefined, 10_000);
    assert.equal(await clients[2]!.get('Context', 'keep'), 'v');
  });

  it('a peer that was down (SIGKILL) and is back gets invalidations again', async () => {
    await nodes[1]!.kill();
    await waitFor('OX21 notices the loss', () => nodes[0]!.lines.some((l) => /LTCP connection to 127\.0\.7\.22:57462 lost/.test(l)), 10_000);
    await clients[0]!.remove('UserConfiguration', 'while-down');
    start(1);
    await nodes[1]!.ready(30_000);
    await meshed(1);
    await waitFor('OX21 cleared what OX22 missed', () => nodes[0]!.lines.some((l) => /sent clear to 127\.0\.7\.22:57462 for regions with undelivered invalidations: .*UserConfiguration/.test(l)), 10_000);
    await waitFor('OX22 applied that clear', async () => (await clients[1]!.stats('UserConfiguration')).invalidationsReceived >= 1, 10_000);
    await put(1, 'UserConfiguration', 'back', 'v');
    await put(1, 'UserConfiguration', 'stays', 'v');
    await clients[0]!.remove('UserConfiguration', 'back');
    await waitFor('back gone on the revived node', async () => (await clients[1]!.get('UserConfiguration', 'back')) === undefined, 10_000);
    assert.equal(await clients[1]!.get('UserConfiguration', 'stays'), 'v');
  });
});
