import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_MAJOR, PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { gridHealth, waitForMembers } from '../support/gridNodes.js';
import { type LegacyBuild, PREVIOUS_RELEASE_COMMIT, releaseBuild } from '../support/legacyBuild.js';
import { killAll } from '../support/nodeProcess.js';
import { ReleaseCluster } from '../support/releaseCluster.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// A rolling upgrade from the release before this build (0.3.0, protocol 3.1): RP1 and RP2 on
// 127.0.38.1-2 start as 0.3.0, RP3 on 127.0.38.3 is this build. Entries written through either
// build must survive every migration between the two builds' record stores and copy paths.
const PREVIOUS_PROTOCOL = `${PROTOCOL_MAJOR}.1`;
const config = tempConfig();
let previous: LegacyBuild;
const cluster = new ReleaseCluster({ RP1: '127.0.38.1', RP2: '127.0.38.2', RP3: '127.0.38.3' }, 'previous-release-test', config.dir, () => previous, 3000);
const [RP1, RP2, RP3] = cluster.hosts as [string, string, string];

const clusterVersions = async () => (await Promise.all(cluster.hosts.map((h) => gridHealth(h)))).map((h) => h?.grid?.clusterVersion);

before(async () => {
  previous = await releaseBuild(PREVIOUS_RELEASE_COMMIT);
  await Promise.all([cluster.start('RP1', 'previous').ready(30_000), cluster.start('RP2', 'previous').ready(30_000)]);
  await waitForMembers([RP1, RP2], 2, 30_000);
});

after(async () => {
  await killAll();
  config.remove();
});

describe(`rolling upgrade from the previous release (0.3.0, protocol ${PREVIOUS_PROTOCOL})`, { timeout: 240_000 }, () => {
  it('entries written through the old build survive the new build\'s join, and the whole cluster is replaced node by node without a refused message or a lost entry', async () => {
    const loadOld = await cluster.map(RP1, 'load');
    assert.equal(loadOld.code, 0, loadOld.stderr);
    // The new member takes partitions (and their entries) over from the 0.3.0 members.
    await cluster.start('RP3', 'current').ready(30_000);
    await waitForMembers(cluster.hosts, 3, 30_000);
    await waitFor('cluster safe with the new member', async () => (await gridHealth(RP3))?.grid?.clusterSafe === true, 60_000, 100);
    const lowest = [PREVIOUS_PROTOCOL, PROTOCOL_VERSION].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))[0];
    assert.deepEqual(await clusterVersions(), [lowest, lowest, lowest]);

    const verifyNew = await cluster.map(RP3, 'verify');
    assert.equal(verifyNew.code, 0, verifyNew.stderr);
    await cluster.heartbeatRounds('RP3', [RP1, RP2], 3);
    for (const route of ['RP1', 'RP2']) assert.deepEqual(cluster.refusals(route), [], `${route} (0.3.0) refused messages of this build`);
    assert.deepEqual(cluster.refusals('RP3'), [], 'this build refused messages of 0.3.0');

    await cluster.replaceWithThisBuild(['RP1', 'RP2'], 'RP3');
    await waitFor(`cluster version ${PROTOCOL_VERSION} on every node`, async () => (await clusterVersions()).every((v) => v === PROTOCOL_VERSION), 30_000, 100);
    const verifyAll = await cluster.map(RP1, 'verify');
    assert.equal(verifyAll.code, 0, verifyAll.stderr);
  });
});
