import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listMembers } from '../../bundles/login/cli/balancerManager.js';
import { ApacheProcess } from '../support/apache.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { gridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { JOLOKIA_CREDENTIALS, jolokiaSettings } from '../support/jolokia.js';
import { type LegacyBuild, legacyBuild } from '../support/legacyBuild.js';
import { NodeControl } from '../support/nodeControl.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Apache on 127.0.22.50, nodes LG51..LG53 on 127.0.22.51..53, the node control on 127.0.22.54.
const ADDRESSES: Record<string, string> = { LG51: '127.0.22.51', LG52: '127.0.22.52', LG53: '127.0.22.53' };
const ROUTES = Object.keys(ADDRESSES);
const HOSTS = Object.values(ADDRESSES);
const GROUP = 'upgrade-legacy-test';
const config = tempConfig();
const nodes = new Map<string, NodeProcess>();
let legacy: LegacyBuild;
let apache: ApacheProcess;

function node(route: string, build: 'legacy' | 'current', bridge = false): NodeProcess {
  const current = build === 'current';
  const n = gridNode({
    configDir: current ? config.dir : legacy.configDir, bin: current ? undefined : legacy.bin, address: ADDRESSES[route]!, route, staticNodes: HOSTS,
    set: {
      'com.openexchange.hazelcast.group.name': GROUP, ...jolokiaSettings,
      'kernel.bundles.path': current ? cacheDriverBundlesPath : legacy.cacheDriverBundlesPath,
      ...(current ? { 'kernel.bundles.cluster-upgrade-from-legacy.enabled': bridge } : {}),
    },
  });
  nodes.set(route, n);
  return n;
}

const control = new NodeControl('127.0.22.54', 8009, {
  stop: async (route) => {
    const n = nodes.get(route)!;
    await n.stop(30_000);
    if (n.exitCode !== 0) throw new Error(`${route} exited ${n.exitCode ?? n.exitSignal}`);
    return `stopped ${route}`;
  },
  start: async (route, query) => {
    node(route, 'current', query.get('bridge') === 'true');
    return `started ${route} (0.2.0)`;
  },
  // The "database update tasks": they invalidate Context entry K on the upgraded node; done once the legacy nodes dropped it too.
  tasks: async (route) => {
    await new CacheClient(ADDRESSES[route]!).remove('Context', 'K');
    const legacyHosts = ROUTES.filter((r) => r !== route).map((r) => ADDRESSES[r]!);
    await waitFor('K dropped on the legacy nodes', async () => (await Promise.all(legacyHosts.map((h) => new CacheClient(h).get('Context', 'K')))).every((v) => v === undefined), 5000);
    return 'update tasks done';
  },
});

before(async () => {
  legacy = await legacyBuild();
  await Promise.all(ROUTES.map((r) => node(r, 'legacy').ready(30_000)));
  await waitForMembers(HOSTS, 3, 30_000);
  apache = await ApacheProcess.start({ listen: '127.0.22.50:8009', nodes: Object.fromEntries(ROUTES.map((r) => [r, `${ADDRESSES[r]}:8009`])) });
  await control.listen();
});

after(async () => {
  await control.close();
  await apache?.stop();
  await killAll();
  config.remove();
});

describe('oxk upgrade --legacy: the seed\'s major upgrade from a real 0.1.0 cluster with the bridge', { timeout: 300_000 }, () => {
  it('first node out, bridge on, update tasks reach the legacy nodes, bridge stopped live, then the others; all enabled on 0.2.0', async () => {
    for (const h of HOSTS.slice(1)) await new CacheClient(h).put('Context', 'K', `v-${h}`);
    const r = await runOxk([
      'upgrade', '--legacy', '--balancer', apache.managerUrl, ...ROUTES.flatMap((route) => ['--node', `${route}=${ADDRESSES[route]}:8009`]),
      '--stop', control.command('stop'), '--exec', control.command('start', 'bridge={bridge}'), '--update-tasks', control.command('tasks'),
      '--jolokia-user', JOLOKIA_CREDENTIALS.user, '--jolokia-password', JOLOKIA_CREDENTIALS.password, '--join-timeout', '60s',
    ], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(control.requests, ['stop LG51', 'start LG51', 'tasks LG51', 'stop LG52', 'start LG52', 'stop LG53', 'start LG53']);
    assert.match(r.stdout, /LG51: stop the legacy bridge on the running node: done/);
    for (const h of HOSTS) {
      const health = (await gridHealth(h)) as unknown as { status: string; grid: { members: number; cluster: string }; bundles: Record<string, string> };
      assert.equal(health.status, 'UP', `${h}: ${JSON.stringify(health)}`);
      assert.equal(health.grid.members, 3);
      assert.equal(health.grid.cluster, `${GROUP}-3`);
    }
    assert.equal(((await gridHealth(ADDRESSES.LG51!)) as unknown as { bundles: Record<string, string> }).bundles['cluster-upgrade-from-legacy'], 'RESOLVED', 'the bridge was stopped on the live node');
    assert.ok((await listMembers(apache.managerUrl)).every((m) => !m.disabled), 'every node enabled again');
  });
});
