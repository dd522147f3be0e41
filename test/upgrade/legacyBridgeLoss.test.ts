import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { gridNode, waitForMembers } from '../support/gridNodes.js';
import { jolokiaSettings, readAttribute } from '../support/jolokia.js';
import { type LegacyBuild, legacyBuild } from '../support/legacyBuild.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: one legacy node on 127.0.22.45, the new node with the bridge on 127.0.22.46.
const LEGACY = '127.0.22.45';
const NEW = '127.0.22.46';
const BRIDGE = 'com.openexchange.cluster.upgrade:type=LegacyBridge';
const set = { 'com.openexchange.hazelcast.group.name': 'loss-test', ...jolokiaSettings };
const config = tempConfig();
let legacy: LegacyBuild;
let newNode: NodeProcess;
let legacyNode: NodeProcess;

const startLegacy = () => gridNode({ configDir: legacy.configDir, bin: legacy.bin, address: LEGACY, route: 'LEG45', staticNodes: [LEGACY], set: { ...set, 'kernel.bundles.path': legacy.cacheDriverBundlesPath } });
const attribute = <T>(name: string) => readAttribute<T>(NEW, BRIDGE, name);

before(async () => {
  legacy = await legacyBuild();
  legacyNode = startLegacy();
  await legacyNode.ready(30_000);
  newNode = gridNode({ configDir: config.dir, address: NEW, route: 'NEW46', staticNodes: [LEGACY], set: { ...set, 'kernel.bundles.path': cacheDriverBundlesPath, 'kernel.bundles.cluster-upgrade-from-legacy.enabled': true } });
  await newNode.ready(30_000);
  await waitForMembers([LEGACY], 2);
});

after(async () => {
  await killAll();
  config.remove();
});

describe('cluster-upgrade-from-legacy when the whole legacy cluster is lost', { timeout: 120_000 }, () => {
  it('counts what it cannot forward, joins the legacy cluster again when it is back, and forwards again', async () => {
    await waitFor('the bridge joined', () => attribute<boolean>('Connected'), 15_000);
    await legacyNode.kill();
    await waitFor('the bridge to notice the loss', async () => !(await attribute<boolean>('Connected')), 15_000);
    await new CacheClient(NEW).remove('Context', 'while-gone');
    await waitFor('the invalidation counted as failed', async () => (await attribute<number>('FailedInvalidations')) === 1, 15_000);
    assert.match(await attribute<string>('LastFailure'), /publish on legacy topic cacheEvents did not complete within 5000 ms/);
    const health = (await (await fetch(`http://${NEW}:8009/health`)).json()) as { status: string; legacyBridge: { failed: number; connected: boolean } };
    assert.equal(health.status, 'UP', 'a lost legacy cluster does not take the node down');
    assert.equal(health.legacyBridge.failed, 1);

    legacyNode = startLegacy();
    await legacyNode.ready(30_000);
    await waitForMembers([LEGACY], 2, 20_000);
    const forwarded = await attribute<number>('ForwardedInvalidations');
    const legacyCache = new CacheClient(LEGACY);
    await legacyCache.put('Context', 'K', 'v');
    assert.equal(await legacyCache.get('Context', 'K'), 'v');
    await new CacheClient(NEW).remove('Context', 'K');
    await waitFor('K dropped on the restarted legacy node', async () => (await legacyCache.get('Context', 'K')) === undefined, 10_000);
    // The count follows the owner's answer, which may arrive after the subscriber already applied the message.
    await waitFor('the forward counted', async () => (await attribute<number>('ForwardedInvalidations')) === forwarded + 1, 5000);
    assert.equal(await attribute<number>('FailedInvalidations'), 1);
  });
});
