import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { gridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { execOperation, jolokiaSettings, readAttribute } from '../support/jolokia.js';
import { type LegacyBuild, legacyBuild } from '../support/legacyBuild.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Two legacy (0.1.0) nodes on 127.0.22.1-2 and one new node on 127.0.22.3 (this file's range).
const LEGACY = ['127.0.22.1', '127.0.22.2'];
const NEW = '127.0.22.3';
const ALL = [...LEGACY, NEW];
const GROUP = { 'com.openexchange.hazelcast.group.name': 'upgrade-test', 'com.openexchange.hazelcast.group.password': 'test-secret', ...jolokiaSettings };
const BRIDGE = 'com.openexchange.cluster.upgrade:type=LegacyBridge';
/** The kernel's bundle MBean: `stop` is the runtime stop `oxk bundle stop` calls. */
const BRIDGE_BUNDLE = 'com.openexchange.kernel:type=Bundle,name=cluster-upgrade-from-legacy';
const CONTEXT = 'com.openexchange.caching:type=Cache,name=Context';

let legacy: LegacyBuild;
const config = tempConfig();
const legacyNodes = new Map<string, NodeProcess>();
let newNode: NodeProcess;
const cache = (host: string) => new CacheClient(host);
const contextSize = (host: string) => readAttribute<number>(host, CONTEXT, 'Size');

async function putEverywhere(hosts: string[], key: string): Promise<void> {
  for (const h of hosts) {
    await cache(h).put('Context', key, `v-${h}`);
    assert.equal(await cache(h).get('Context', key), `v-${h}`, `${h} holds Context/${key}`);
  }
}

describe('cluster-upgrade-from-legacy: a new node forwards Context invalidations to a real 0.1.0 cluster', { timeout: 300_000 }, () => {
  before(async () => {
    legacy = await legacyBuild();
    for (const [i, host] of LEGACY.entries()) {
      legacyNodes.set(host, gridNode({
        configDir: legacy.configDir, address: host, route: `LEG${i + 1}`, staticNodes: ALL,
        bin: legacy.bin, set: { ...GROUP, 'kernel.bundles.path': legacy.cacheDriverBundlesPath },
      }));
    }
    await Promise.all([...legacyNodes.values()].map((n) => n.ready(30_000)));
    await waitForMembers(LEGACY, 2, 30_000);
    newNode = gridNode({
      configDir: config.dir, address: NEW, route: 'NEW1', staticNodes: ALL,
      set: { ...GROUP, 'kernel.bundles.path': cacheDriverBundlesPath, 'kernel.bundles.cluster-upgrade-from-legacy.enabled': true },
    });
    await newNode.ready(30_000);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('stays out of the legacy cluster (both sides log why) while its bridge joins it as a lite member', async () => {
    const health = await gridHealth(NEW);
    assert.equal(health?.grid?.members, 1, 'the new node forms its own cluster');
    const legacyHealth = await waitForMembers(LEGACY, 3, 15_000);
    for (const h of legacyHealth) {
      assert.ok(!h.grid!.memberAddresses.includes(`${NEW}:5701`), `the new node's grid member is not in the legacy cluster: ${h.grid!.memberAddresses.join(', ')}`);
    }
    await newNode.waitForLine(/grid handshake .*127\.0\.22\.[12]:5701.*2\.0/);
    for (const n of legacyNodes.values()) await n.waitForLine(new RegExp(`grid handshake .*127\\.0\\.22\\.3.*incompatible protocol version ${PROTOCOL_VERSION.replace(".", "\\.")}`));
    assert.equal(await readAttribute<boolean>(NEW, BRIDGE, 'Connected'), true);
  });

  it('removing key K of Context on the new node drops K from both legacy nodes within 1 s', async () => {
    await putEverywhere(LEGACY, 'K');
    await putEverywhere(LEGACY, 'other');
    const sizes = await Promise.all(LEGACY.map(contextSize));
    await cache(NEW).remove('Context', 'K');
    await waitFor('K gone from both legacy Context regions (Jolokia Size)', async () => {
      const now = await Promise.all(LEGACY.map(contextSize));
      return now.every((s, i) => s === sizes[i]! - 1);
    }, 1000, 10);
    for (const h of LEGACY) {
      assert.equal(await cache(h).get('Context', 'K'), undefined, `K gone on ${h}`);
      assert.equal(await cache(h).get('Context', 'other'), `v-${h}`, `only K was dropped on ${h}`);
    }
    // The count follows the owner's answer, which may arrive after the subscribers already applied the message.
    await waitFor('the forward counted', async () => (await readAttribute<number>(NEW, BRIDGE, 'ForwardedInvalidations')) >= 1, 5000);
    assert.equal(await readAttribute<number>(NEW, BRIDGE, 'FailedInvalidations'), 0);
  });

  it('a region that is not configured is not forwarded', async () => {
    for (const h of LEGACY) await cache(h).put('User', 'user-key', `v-${h}`);
    const before = await readAttribute<number>(NEW, BRIDGE, 'ForwardedInvalidations');
    await cache(NEW).remove('User', 'user-key');
    // A Context remove right after it travels the same ordered channel: once it arrived, the User remove would have too.
    await putEverywhere(LEGACY, 'marker');
    await cache(NEW).remove('Context', 'marker');
    await waitFor('the marker gone on both legacy nodes', async () => (await Promise.all(LEGACY.map((h) => cache(h).get('Context', 'marker')))).every((v) => v === undefined), 5000);
    for (const h of LEGACY) assert.equal(await cache(h).get('User', 'user-key'), `v-${h}`, `User (a distributed region, not configured for the bridge) untouched on ${h}`);
    await waitFor('the marker counted', async () => (await readAttribute<number>(NEW, BRIDGE, 'ForwardedInvalidations')) === before + 1, 5000);
  });

  it('SIGKILL of the legacy node the bridge talks to: forwarding resumes through the other', async () => {
    const talksTo = await readAttribute<string>(NEW, BRIDGE, 'LegacyNode');
    const victim = talksTo.split(':')[0]!;
    const survivor = LEGACY.find((h) => h !== victim)!;
    assert.ok(legacyNodes.has(victim), `the bridge talks to a legacy node (${talksTo})`);
    await legacyNodes.get(victim)!.kill();
    await putEverywhere([survivor], 'after-kill');
    await cache(NEW).remove('Context', 'after-kill');
    await waitFor(`after-kill gone on ${survivor}`, async () => (await cache(survivor).get('Context', 'after-kill')) === undefined, 20_000);
    await waitFor('the bridge names the survivor as the node it talks to', async () => (await readAttribute<string>(NEW, BRIDGE, 'LegacyNode')) === `${survivor}:5701`, 5000);
  });

  it('stopping the bridge on the live node (kernel runtime stop): no more forwarding, everything else unchanged', async () => {
    const survivor = LEGACY.find((h) => legacyNodes.get(h)!.running)!;
    const bundlesBefore = await readAttribute<Record<string, string>>(NEW, 'com.openexchange.kernel:type=Kernel', 'BundleStates');
    await execOperation(NEW, BRIDGE_BUNDLE, 'stop');
    assert.equal(await readAttribute<string>(NEW, 'com.openexchange.kernel:type=Bundle,name=cluster-upgrade-from-legacy', 'State'), 'RESOLVED');
    // The bridge left the legacy cluster: nothing on the new node can reach it any more.
    await waitForMembers([survivor], 1, 10_000);
    await putEverywhere([survivor, NEW], 'after-stop');
    await cache(NEW).remove('Context', 'after-stop');
    assert.equal(await cache(NEW).get('Context', 'after-stop'), undefined);
    assert.equal(await cache(survivor).get('Context', 'after-stop'), `v-${survivor}`, 'the legacy node keeps its entry: nothing was forwarded');
    const health = (await (await fetch(`http://${NEW}:8009/health`)).json()) as { status: string; grid: { members: number }; legacyBridge?: unknown };
    assert.equal(health.status, 'UP', JSON.stringify(health));
    assert.equal(health.grid.members, 1);
    assert.equal(health.legacyBridge, undefined, 'the bridge\'s /health section is withdrawn with it');
    assert.equal(newNode.running, true);
    const bundlesAfter = await readAttribute<Record<string, string>>(NEW, 'com.openexchange.kernel:type=Kernel', 'BundleStates');
    assert.deepEqual({ ...bundlesAfter, 'cluster-upgrade-from-legacy': 'ACTIVE' }, bundlesBefore, 'only the bridge changed state');
  });
});
