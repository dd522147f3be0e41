import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_MAJOR, PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { gridHealth, waitForMembers } from '../support/gridNodes.js';
import { JOLOKIA_CREDENTIALS, readAttribute } from '../support/jolokia.js';
import { FIRST_MAJOR_RELEASE_COMMIT, type LegacyBuild, releaseBuild } from '../support/legacyBuild.js';
import { killAll } from '../support/nodeProcess.js';
import { ReleaseCluster } from '../support/releaseCluster.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// A rolling upgrade inside major 3 with the real first release of it (0.2.0, protocol 3.0) beside this
// build: nodes RM1 and RM2 on 127.0.33.1-2 start as 0.2.0, RM3 on 127.0.33.3 is this build.
const GROUP = 'minor-upgrade-test';
const OLD_VERSION = `${PROTOCOL_MAJOR}.0`;
const config = tempConfig();
let previous: LegacyBuild;
const cluster = new ReleaseCluster({ RM1: '127.0.33.1', RM2: '127.0.33.2', RM3: '127.0.33.3' }, GROUP, config.dir, () => previous, 2000);
const [RM1, RM2, RM3] = cluster.hosts as [string, string, string];
const mapBean = (route: string) => `com.hazelcast:type=IMap,instance=${route},name=mixed`;

/** Jolokia's answer to `entryView(key)` on the node, error or not. */
async function entryView(host: string, route: string, key: string): Promise<{ status: number; value?: { found: boolean; valuePreview?: string }; error?: string }> {
  const authorization = `Basic ${Buffer.from(`${JOLOKIA_CREDENTIALS.user}:${JOLOKIA_CREDENTIALS.password}`).toString('base64')}`;
  const res = await fetch(`http://${host}:8009/monitoring/jolokia/`, {
    method: 'POST', headers: { authorization }, body: JSON.stringify({ type: 'exec', mbean: mapBean(route), operation: 'entryView', arguments: [key] }), signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as { status: number; value?: { found: boolean; valuePreview?: string }; error?: string };
}

before(async () => {
  previous = await releaseBuild(FIRST_MAJOR_RELEASE_COMMIT);
  await Promise.all([cluster.start('RM1', 'previous').ready(30_000), cluster.start('RM2', 'previous').ready(30_000)]);
  await waitForMembers([RM1, RM2], 2, 30_000);
  await cluster.start('RM3', 'current').ready(30_000);
  await waitForMembers(cluster.hosts, 3, 30_000);
});

after(async () => {
  await killAll();
  config.remove();
});

describe('rolling upgrade from the first release of this major (0.2.0, protocol 3.0)', { timeout: 240_000 }, () => {
  it('the mixed cluster runs at 3.0 and this build sends nothing 3.0 refuses; the cluster moves to this minor once the old nodes are replaced, keeping every entry', async () => {
    const mixed = await Promise.all(cluster.hosts.map((h) => gridHealth(h)));
    assert.deepEqual(mixed.map((h) => h?.grid?.clusterVersion), [OLD_VERSION, OLD_VERSION, OLD_VERSION]);
    assert.equal(mixed[2]?.grid?.protocolVersion, PROTOCOL_VERSION);

    const load = await cluster.map(RM3, 'load');
    assert.equal(load.code, 0, load.stderr);
    const verifyOld = await cluster.map(RM1, 'verify');
    assert.equal(verifyOld.code, 0, verifyOld.stderr);
    // The map commands joined and left as clients; from here on the member list must stay as it is.
    const listVersion = (await gridHealth(RM1))?.grid?.memberListVersion;
    await cluster.heartbeatRounds('RM3', [RM1, RM2], 3);

    // The 0.2.0 nodes dropped nothing of this build's: no violation logged, the member list unchanged.
    for (const route of ['RM1', 'RM2']) {
      assert.deepEqual(cluster.refusals(route), [], `${route} (0.2.0) refused messages of this build`);
    }
    assert.equal((await gridHealth(RM1))?.grid?.memberListVersion, listVersion, 'no member left or rejoined');
    // 3.1 features wait for the cluster version: no memory in heartbeats, the key look-up refused with the reason.
    assert.equal(await readAttribute<number>(RM3, cluster.memberBean('RM3', RM1), 'heapUsed'), 0);
    const early = await entryView(RM3, 'RM3', 'k1');
    assert.equal(early.status, 400, JSON.stringify(early));
    assert.match(early.error ?? '', new RegExp(`needs cluster version ${PROTOCOL_VERSION.replace('.', '\\.')}; the cluster runs at ${OLD_VERSION.replace('.', '\\.')}`));

    // Replace the 0.2.0 nodes one at a time with this build, as oxk upgrade does.
    await cluster.replaceWithThisBuild(['RM1', 'RM2'], 'RM3');
    await waitFor(`cluster version ${PROTOCOL_VERSION} on every node`, async () => {
      const all = await Promise.all(cluster.hosts.map((h) => gridHealth(h)));
      return all.every((h) => h?.grid?.clusterVersion === PROTOCOL_VERSION);
    }, 30_000, 100);

    const verifyNew = await cluster.map(RM1, 'verify');
    assert.equal(verifyNew.code, 0, verifyNew.stderr);
    const view = await entryView(RM3, 'RM3', 'k1');
    assert.equal(view.status, 200, JSON.stringify(view));
    assert.equal(view.value?.found, true);
    assert.match(view.value?.valuePreview ?? '', /value-1/);
    await waitFor('RM1\'s memory in its heartbeats', async () => (await readAttribute<number>(RM3, cluster.memberBean('RM3', RM1), 'heapUsed')) > 0, 10_000, 100);
  });
});
