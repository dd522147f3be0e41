import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ClusterStats } from '../../bundles/management/cli/clusterStats.js';
import { FrameKind } from '../../bundles/grid/transport/frame.js';
import { PROTOCOL_MAJOR, PROTOCOL_MINOR, TEST_MINOR_VARIABLE } from '../../bundles/grid/transport/protocolVersion.js';
import { CREDENTIALS, jolokiaUrl } from '../management/managementNode.js';
import { gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { repoRoot } from '../support/paths.js';
import { rawFrame, RawPeer } from '../support/rawGrid.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Members at this build's protocol minor and one above it (raised by the version module's test hook) on 127.0.21.1-4; a raw peer from 127.0.21.9.
const BASE = PROTOCOL_MINOR;
const RAISED = PROTOCOL_MINOR + 1;
const OLD = '127.0.21.1';
const NEW = '127.0.21.2';
const MANUAL_OLD = '127.0.21.3';
const MANUAL_NEW = '127.0.21.4';
const PROBE_FROM = '127.0.21.9';
const AUTH = ['--user', CREDENTIALS.user, '--password', CREDENTIALS.password];

async function grid(address: string) {
  return (await gridHealth(address))?.grid;
}

function member(config: string, address: string, route: string, peers: string[], minor: number, set: Record<string, string | boolean> = {}): NodeProcess {
  return gridNode({
    configDir: config, address, route, staticNodes: peers,
    env: minor === BASE ? {} : { [TEST_MINOR_VARIABLE]: String(minor) },
    set: { 'com.openexchange.jolokia.user': CREDENTIALS.user, 'com.openexchange.jolokia.password': CREDENTIALS.password, ...set },
  });
}

describe('grid versions: minors of one major meet at the lowest minor', () => {
  const config = tempConfig();

  after(async () => {
    await killAll();
    config.remove();
  });

  it('this minor and the next form one cluster at this minor; it moves up when the last member of this minor leaves; a member of this minor is then refused', async () => {
    const old = member(config.dir, OLD, 'OXV1', [OLD, NEW], BASE);
    await old.ready(40_000);
    const raised = member(config.dir, NEW, 'OXV2', [OLD, NEW], RAISED);
    await raised.ready(40_000);
    const both = await waitFor('both members at the lower cluster version', async () => {
      const [a, b] = await Promise.all([grid(OLD), grid(NEW)]);
      return a?.members === 2 && b?.members === 2 && a.clusterVersion === `${PROTOCOL_MAJOR}.${BASE}` && b.clusterVersion === `${PROTOCOL_MAJOR}.${BASE}` ? [a, b] : undefined;
    }, 20_000, 100);
    assert.equal(both[0].protocolVersion, `${PROTOCOL_MAJOR}.${BASE}`);
    assert.equal(both[1].protocolVersion, `${PROTOCOL_MAJOR}.${RAISED}`);
    assert.equal(both[1].cluster, `grid-cluster-test-${PROTOCOL_MAJOR}`, 'the effective cluster name carries the major only');
    assert.equal(both[0].clusterState, 'ACTIVE');
    const codebase = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(both[1].version, codebase);
    const stats = await runOxk(['stats', '-c', '--json', '--url', jolokiaUrl(NEW), ...AUTH]);
    assert.equal(stats.code, 0, stats.stderr);
    const seen = JSON.parse(stats.stdout) as ClusterStats;
    assert.equal(seen.cluster?.clusterVersion, `${PROTOCOL_MAJOR}.${BASE}`);
    assert.equal(seen.cluster?.clusterState, 'ACTIVE');
    assert.deepEqual(seen.members.map((m) => `${m.address} ${m.version} ${m.codebase}`).sort(), [`${OLD}:5701 ${PROTOCOL_MAJOR}.${BASE} ${codebase}`, `${NEW}:5701 ${PROTOCOL_MAJOR}.${RAISED} ${codebase}`]);

    // The raised member really speaks 3.1 on the wire: its refusal of another major carries 3.1 in the header.
    const probe = await RawPeer.connect(NEW, 5701, PROBE_FROM);
    probe.socket.write(rawFrame({ t: 'hello', cluster: `grid-cluster-test-${PROTOCOL_MAJOR + 1}`, nonce: Buffer.alloc(16) }, { major: PROTOCOL_MAJOR + 1, minor: 0 }));
    const refusal = await probe.frameOrClose(1);
    assert.equal(refusal?.kind, FrameKind.HANDSHAKE);
    assert.deepEqual([refusal?.major, refusal?.minor], [PROTOCOL_MAJOR, RAISED]);
    assert.deepEqual(refusal?.body, { t: 'refuse', reason: `incompatible protocol version ${PROTOCOL_MAJOR + 1}.0 (this member speaks ${PROTOCOL_MAJOR}.${RAISED})` });
    // A second probe of the other major within the minute is refused too, but not logged again.
    const again = await RawPeer.connect(NEW, 5701, PROBE_FROM);
    again.socket.write(rawFrame({ t: 'hello', cluster: `grid-cluster-test-${PROTOCOL_MAJOR + 1}`, nonce: Buffer.alloc(16) }, { major: PROTOCOL_MAJOR + 1, minor: 0 }));
    assert.equal(((await again.frameOrClose(1))?.body as { t?: string }).t, 'refuse');
    await again.closedAt;
    const refusalLines = raised.lines.filter((l) => l.includes(`incompatible protocol version ${PROTOCOL_MAJOR + 1}.0`));
    assert.equal(refusalLines.length, 1, refusalLines.join('\n'));
    assert.match(refusalLines[0]!, new RegExp(`${PROTOCOL_MAJOR + 1}\\.0 \\(this member speaks ${PROTOCOL_MAJOR}\\.${RAISED}\\)`));

    // The upgrade is refused while the lower member is there, and names it.
    const early = await runOxk(['cluster', 'version', '--upgrade', '--url', jolokiaUrl(NEW), ...AUTH]);
    assert.equal(early.code, 1, early.stdout);
    assert.match(early.stderr, new RegExp(`stays ${PROTOCOL_MAJOR}\\.${BASE}.*${OLD.replace(/\./g, '\\.')}:5701 \\(${PROTOCOL_MAJOR}\\.${BASE}\\)`));

    await old.stop();
    const moved = await waitFor('the cluster version moves up', async () => {
      const b = await grid(NEW);
      return b?.members === 1 && b.clusterVersion === `${PROTOCOL_MAJOR}.${RAISED}` ? b : undefined;
    }, 20_000, 100);
    assert.equal(moved.protocolVersion, `${PROTOCOL_MAJOR}.${RAISED}`);
    assert.ok(raised.lines.some((l) => l.includes(`the last member at ${PROTOCOL_MAJOR}.${BASE} is gone; the cluster version moves up to ${PROTOCOL_MAJOR}.${RAISED}`)), 'the move is logged');
    const shown = await runOxk(['cluster', 'version', '--json', '--url', jolokiaUrl(NEW), ...AUTH]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { clusterVersion: string }).clusterVersion, `${PROTOCOL_MAJOR}.${RAISED}`);

    // A member of the lower minor now stays out: the master names its version and the cluster version.
    const back = member(config.dir, OLD, 'OXV1', [OLD, NEW], BASE);
    await back.waitForLine(/was refused by master/, 20_000);
    await raised.waitForLine(new RegExp(`join of member ${OLD.replace(/\./g, '\\.')}:5701 refused: .*speaks grid protocol ${PROTOCOL_MAJOR}\\.${BASE}, below the cluster version ${PROTOCOL_MAJOR}\\.${RAISED}`));
    await back.ready(40_000);
    // Alone, it forms a cluster at the lower version; the two clusters find each other and stay apart.
    await raised.waitForLine(new RegExp(`at cluster version ${PROTOCOL_MAJOR}\\.${BASE}; this one runs at ${PROTOCOL_MAJOR}\\.${RAISED}: they do not merge`), 20_000);
    assert.equal((await grid(NEW))?.members, 1);
    assert.equal((await grid(OLD))?.members, 1);
    await back.kill();
    await raised.kill();
  });

  it('with auto-upgrade off the cluster version stays until oxk cluster version --upgrade', async () => {
    const off = { 'com.openexchange.hazelcast.cluster.version.autoUpgrade': false };
    const old = member(config.dir, MANUAL_OLD, 'OXV3', [MANUAL_OLD, MANUAL_NEW], BASE, off);
    await old.ready(40_000);
    const raised = member(config.dir, MANUAL_NEW, 'OXV4', [MANUAL_OLD, MANUAL_NEW], RAISED, off);
    await raised.ready(40_000);
    await waitFor('two members', async () => (await grid(MANUAL_NEW))?.members === 2, 20_000, 100);
    await old.stop();
    await waitFor('the lower member is gone', async () => (await grid(MANUAL_NEW))?.members === 1, 20_000, 100);
    assert.equal((await grid(MANUAL_NEW))?.clusterVersion, `${PROTOCOL_MAJOR}.${BASE}`, 'no automatic upgrade');
    const upgraded = await runOxk(['cluster', 'version', '--upgrade', '--url', jolokiaUrl(MANUAL_NEW), ...AUTH]);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.equal(upgraded.stdout.trim(), `${PROTOCOL_MAJOR}.${RAISED}`);
    assert.equal((await grid(MANUAL_NEW))?.clusterVersion, `${PROTOCOL_MAJOR}.${RAISED}`);
  });
});
