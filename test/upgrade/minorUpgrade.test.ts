import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { objectNameValue } from '../../bundles/management/api.js';
import { PROTOCOL_MAJOR, PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { gridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { JOLOKIA_CREDENTIALS, jolokiaSettings, readAttribute } from '../support/jolokia.js';
import { type LegacyBuild, PREVIOUS_RELEASE_COMMIT, releaseBuild } from '../support/legacyBuild.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// A rolling upgrade inside major 3 with the real previous release (0.2.0, protocol 3.0) beside this
// build: nodes RM1 and RM2 on 127.0.33.1-2 start as 0.2.0, RM3 on 127.0.33.3 is this build.
const ADDRESSES: Record<string, string> = { RM1: '127.0.33.1', RM2: '127.0.33.2', RM3: '127.0.33.3' };
const HOSTS = Object.values(ADDRESSES);
const GROUP = 'minor-upgrade-test';
const ENTRIES = 2000;
const OLD_VERSION = `${PROTOCOL_MAJOR}.0`;
const config = tempConfig();
const nodes = new Map<string, NodeProcess>();
let previous: LegacyBuild;

function node(route: string, build: 'previous' | 'current'): NodeProcess {
  const old = build === 'previous';
  const n = gridNode({
    configDir: old ? previous.configDir : config.dir, bin: old ? previous.bin : undefined, address: ADDRESSES[route]!, route, staticNodes: HOSTS,
    set: { 'com.openexchange.hazelcast.group.name': GROUP, ...jolokiaSettings },
  });
  nodes.set(route, n);
  return n;
}

const map = (via: string, ...args: string[]) =>
  runOxk(['map', '--connect', via, '--group', GROUP, '--password', 'test-secret', 'mixed', ...args, '--count', String(ENTRIES)], { timeoutMs: 120_000 });
const memberBean = (route: string, address: string) => `com.hazelcast:type=Member,instance=${route},name=${objectNameValue(`${address}:5701`)}`;
const mapBean = (route: string) => `com.hazelcast:type=IMap,instance=${route},name=mixed`;

/** Jolokia's answer to `entryView(key)` on the node, error or not. */
async function entryView(host: string, route: string, key: string): Promise<{ status: number; value?: { found: boolean; valuePreview?: string }; error?: string }> {
  const authorization = `Basic ${Buffer.from(`${JOLOKIA_CREDENTIALS.user}:${JOLOKIA_CREDENTIALS.password}`).toString('base64')}`;
  const res = await fetch(`http://${host}:8009/monitoring/jolokia/`, {
    method: 'POST', headers: { authorization }, body: JSON.stringify({ type: 'exec', mbean: mapBean(route), operation: 'entryView', arguments: [key] }), signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as { status: number; value?: { found: boolean; valuePreview?: string }; error?: string };
}

/** Resolves once RM3 has heard `rounds` fresh heartbeats from every other member (it sends its own on the same timer). */
async function heartbeatRounds(others: string[], rounds: number): Promise<void> {
  const seen = new Map<string, { last: number; resets: number }>(others.map((a) => [a, { last: Infinity, resets: 0 }]));
  await waitFor(`${rounds} heartbeat rounds between RM3 and ${others.join(', ')}`, async () => {
    for (const address of others) {
      const age = await readAttribute<number>(ADDRESSES.RM3!, memberBean('RM3', address), 'heartbeatAgeMs');
      const s = seen.get(address)!;
      if (age < s.last) s.resets += 1;
      s.last = age;
    }
    return [...seen.values()].every((s) => s.resets > rounds);
  }, 30_000, 100);
}

before(async () => {
  previous = await releaseBuild(PREVIOUS_RELEASE_COMMIT);
  await Promise.all([node('RM1', 'previous').ready(30_000), node('RM2', 'previous').ready(30_000)]);
  await waitForMembers([ADDRESSES.RM1!, ADDRESSES.RM2!], 2, 30_000);
  await node('RM3', 'current').ready(30_000);
  await waitForMembers(HOSTS, 3, 30_000);
});

after(async () => {
  await killAll();
  config.remove();
});

describe('rolling upgrade from the previous release of the same major (0.2.0, protocol 3.0)', { timeout: 240_000 }, () => {
  it('the mixed cluster runs at 3.0 and this build sends nothing 3.0 refuses; the cluster moves to this minor once the old nodes are replaced, keeping every entry', async () => {
    const mixed = await Promise.all(HOSTS.map((h) => gridHealth(h)));
    assert.deepEqual(mixed.map((h) => h?.grid?.clusterVersion), [OLD_VERSION, OLD_VERSION, OLD_VERSION]);
    assert.equal(mixed[2]?.grid?.protocolVersion, PROTOCOL_VERSION);

    const load = await map(ADDRESSES.RM3!, 'load');
    assert.equal(load.code, 0, load.stderr);
    const verifyOld = await map(ADDRESSES.RM1!, 'verify');
    assert.equal(verifyOld.code, 0, verifyOld.stderr);
    // The map commands joined and left as clients; from here on the member list must stay as it is.
    const listVersion = (await gridHealth(ADDRESSES.RM1!))?.grid?.memberListVersion;
    await heartbeatRounds([ADDRESSES.RM1!, ADDRESSES.RM2!], 3);

    // The 0.2.0 nodes dropped nothing of this build's: no violation logged, the member list unchanged.
    for (const route of ['RM1', 'RM2']) {
      const refused = nodes.get(route)!.lines.filter((l) => /malformed|violat/i.test(l));
      assert.deepEqual(refused, [], `${route} (0.2.0) refused messages of this build`);
    }
    assert.equal((await gridHealth(ADDRESSES.RM1!))?.grid?.memberListVersion, listVersion, 'no member left or rejoined');
    // 3.1 features wait for the cluster version: no memory in heartbeats, the key look-up refused with the reason.
    assert.equal(await readAttribute<number>(ADDRESSES.RM3!, memberBean('RM3', ADDRESSES.RM1!), 'heapUsed'), 0);
    const early = await entryView(ADDRESSES.RM3!, 'RM3', 'k1');
    assert.equal(early.status, 400, JSON.stringify(early));
    assert.match(early.error ?? '', new RegExp(`needs cluster version ${PROTOCOL_VERSION.replace('.', '\\.')}; the cluster runs at ${OLD_VERSION.replace('.', '\\.')}`));

    // Replace the 0.2.0 nodes one at a time with this build, as oxk upgrade does.
    for (const route of ['RM1', 'RM2']) {
      await nodes.get(route)!.stop(30_000);
      await node(route, 'current').ready(30_000);
      await waitForMembers(HOSTS, 3, 30_000);
      await waitFor(`cluster safe after ${route} came back`, async () => (await gridHealth(ADDRESSES.RM3!))?.grid?.clusterSafe === true, 60_000, 100);
    }
    await waitFor(`cluster version ${PROTOCOL_VERSION} on every node`, async () => {
      const all = await Promise.all(HOSTS.map((h) => gridHealth(h)));
      return all.every((h) => h?.grid?.clusterVersion === PROTOCOL_VERSION);
    }, 30_000, 100);

    const verifyNew = await map(ADDRESSES.RM1!, 'verify');
    assert.equal(verifyNew.code, 0, verifyNew.stderr);
    const view = await entryView(ADDRESSES.RM3!, 'RM3', 'k1');
    assert.equal(view.status, 200, JSON.stringify(view));
    assert.equal(view.value?.found, true);
    assert.match(view.value?.valuePreview ?? '', /value-1/);
    await waitFor('RM1\'s memory in its heartbeats', async () => (await readAttribute<number>(ADDRESSES.RM3!, memberBean('RM3', ADDRESSES.RM1!), 'heapUsed')) > 0, 10_000, 100);
  });
});
