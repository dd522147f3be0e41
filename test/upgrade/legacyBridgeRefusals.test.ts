import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { gridNode, waitForMembers } from '../support/gridNodes.js';
import { type LegacyBuild, legacyBuild } from '../support/legacyBuild.js';
import { killAll } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses of this file: 127.0.22.41 (a legacy node with another password), .42 (a current node), .43 (the bridge's node), .44 (nothing).
const config = tempConfig();
const BRIDGE_ON = { 'kernel.bundles.cluster-upgrade-from-legacy.enabled': 'true' };
let legacy: LegacyBuild;

function check(set: Record<string, string>) {
  const args = Object.entries({ ...BRIDGE_ON, ...set }).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  return runOxk(['config', 'check', '--config', config.dir, ...args]);
}

before(async () => {
  legacy = await legacyBuild();
});

after(async () => {
  await killAll();
  config.remove();
});

describe('cluster-upgrade-from-legacy refuses to start without a legacy cluster (oxk config check reports it)', () => {
  it('join empty: names the join property', async () => {
    const r = await check({ 'com.openexchange.hazelcast.network.join': 'empty' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^--set com\.openexchange\.hazelcast\.network\.join: is "empty": the bridge needs a legacy cluster/m);
  });

  it('static join without nodes: names the static node list', async () => {
    const r = await check({ 'com.openexchange.hazelcast.network.join': 'static', 'com.openexchange.hazelcast.network.join.static.nodes': '', 'com.openexchange.hazelcast.group.name': 'g' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /com\.openexchange\.hazelcast\.network\.join\.static\.nodes: no legacy address is known/);
  });

  it('multicast join without client nodes: names com.openexchange.hazelcast.network.client.nodes', async () => {
    const r = await check({ 'com.openexchange.hazelcast.network.join': 'multicast', 'com.openexchange.hazelcast.group.name': 'g' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /com\.openexchange\.hazelcast\.network\.client\.nodes: no legacy address is known/);
  });

  it('with legacy addresses the configuration is valid, and without the bridge nothing is checked', async () => {
    const ok = await check({ 'com.openexchange.hazelcast.network.join': 'multicast', 'com.openexchange.hazelcast.group.name': 'g', 'com.openexchange.hazelcast.network.client.nodes': '127.0.22.41' });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const off = await check({ 'kernel.bundles.cluster-upgrade-from-legacy.enabled': 'false', 'com.openexchange.hazelcast.network.join': 'empty' });
    assert.equal(off.code, 0, off.stdout + off.stderr);
  });

  it('another password, a current-version cluster, nothing listening: the bridge fails naming each, the node runs on', { timeout: 120_000 }, async () => {
    const group = { 'com.openexchange.hazelcast.group.name': 'refusal-test' };
    const other = gridNode({ configDir: legacy.configDir, bin: legacy.bin, address: '127.0.22.41', route: 'LEG41', staticNodes: ['127.0.22.41'], set: { ...group, 'com.openexchange.hazelcast.group.password': 'another-secret' } });
    const current = gridNode({ configDir: config.dir, address: '127.0.22.42', route: 'CUR42', staticNodes: ['127.0.22.42'], set: group });
    await Promise.all([other.ready(30_000), current.ready(30_000)]);
    await waitForMembers(['127.0.22.41', '127.0.22.42'], 1);
    const node = gridNode({ configDir: config.dir, address: '127.0.22.43', route: 'BR43', staticNodes: ['127.0.22.41', '127.0.22.42', '127.0.22.44'], set: { ...group, ...BRIDGE_ON } });
    const failed = await node.waitForLine(/bundle cluster-upgrade-from-legacy FAILED/, 30_000);
    assert.match(failed, /127\.0\.22\.41:5701: wrong group password/);
    assert.match(failed, new RegExp(`127\\.0\\.22\\.42:5701: .*this member speaks ${PROTOCOL_VERSION.replace(".", "\\.")}`));
    assert.match(failed, /127\.0\.22\.44:5701: cannot connect .*ECONNREFUSED/);
    await other.waitForLine(/grid handshake from 127\.0\.22\.43.* failed/);
    await current.waitForLine(/grid handshake from 127\.0\.22\.43.* failed.*2\.0/);
    await node.ready(30_000);
    const health = (await (await fetch('http://127.0.22.43:8009/health')).json()) as { grid: { members: number }; bundles: Record<string, string> };
    assert.equal(health.bundles['cluster-upgrade-from-legacy'], 'FAILED');
    assert.equal(health.grid.members, 2, 'its grid joined the current node at .42, as it would without the bridge');
  });
});
