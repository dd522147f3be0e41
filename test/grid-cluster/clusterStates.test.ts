import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { DistributedMap, PartitionInfo } from '../../bundles/grid/api.js';
import type { ClusterNode } from '../../bundles/grid/cluster/clusterNode.js';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { createDataLayer, type DataLayer } from '../../bundles/grid/data/dataLayer.js';
import { defaultDataOptions } from '../../bundles/grid/data/dataOptions.js';
import { PROTOCOL_MAJOR, PROTOCOL_MINOR, TEST_MINOR_VARIABLE } from '../../bundles/grid/transport/protocolVersion.js';
import { CREDENTIALS, jolokiaUrl } from '../management/managementNode.js';
import { gridHealth, gridNode, memberId } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { oxkBin } from '../support/paths.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { quietLogger } from '../grid-data/support/localCluster.js';
import { type LiteMember, liteMember, stopLiteMembers, waitClusterSafe } from '../grid-data/support/liteMember.js';

// Members A and B (and a newcomer C) on 127.0.21.11-13; in this process a lite client on .14 and a data member on .15.
const A = '127.0.21.11';
const B = '127.0.21.12';
const C = '127.0.21.13';
const CLIENT = '127.0.21.14';
const JOINER = '127.0.21.15';
const GRID = [A, B, C].map((a) => `${a}:5701`);
const AUTH = ['--user', CREDENTIALS.user, '--password', CREDENTIALS.password];
const ENTRIES = 200;
// A stalled member (below) must not be taken for dead while a command runs.
const HEARTBEAT = { 'hazelcast.heartbeat.interval.seconds': 1, 'hazelcast.max.no.heartbeat.seconds': 10 };

function member(config: string, address: string, route: string, env: Record<string, string> = {}): NodeProcess {
  return gridNode({
    configDir: config, address, route, staticNodes: GRID, env,
    set: { 'com.openexchange.jolokia.user': CREDENTIALS.user, 'com.openexchange.jolokia.password': CREDENTIALS.password, ...HEARTBEAT },
  });
}

async function state(at: string, wanted?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runOxk(['cluster', 'state', ...(wanted ? [wanted] : []), '--url', jolokiaUrl(at), ...AUTH]);
}

/** Owner and backups per partition, by member id, as `client` sees the table. */
function table(client: LiteMember): PartitionInfo[] {
  return client.layer.partitions();
}

function holds(partitions: PartitionInfo[], id: string): number {
  return partitions.filter((p) => p.owner === id || p.backups.includes(id)).length;
}

async function everyEntry(map: DistributedMap<number>): Promise<void> {
  for (let i = 0; i < ENTRIES; i++) assert.equal(await map.get(`k${i}`), i, `entry k${i}`);
}

describe('cluster states: ACTIVE, NO_MIGRATION, FROZEN, PASSIVE', () => {
  const config = tempConfig();
  let a: NodeProcess;
  let b: NodeProcess;
  let client: LiteMember;
  let map: DistributedMap<number>;
  let joiner: { node: ClusterNode; layer: DataLayer; stop(): Promise<void> } | undefined;

  before(async () => {
    a = member(config.dir, A, 'OXS1');
    await a.ready(40_000);
    b = member(config.dir, B, 'OXS2');
    await b.ready(40_000);
    client = await liteMember(CLIENT, [`${A}:5701`, `${B}:5701`]);
    await waitClusterSafe([A, B], 3);
    map = client.layer.getMap<number>('states');
    for (let i = 0; i < ENTRIES; i++) await map.set(`k${i}`, i);
  });

  after(async () => {
    // The client first: stopping the last data member under its eyes would be reported as a partition loss.
    await stopLiteMembers();
    await joiner?.stop();
    await killAll();
    config.remove();
  });

  it('PASSIVE refuses a put with an error naming the state and serves gets; bad states are refused', async () => {
    const set = await state(A, 'PASSIVE');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout.trim(), 'PASSIVE');
    await waitFor('the client member learns PASSIVE', () => client.node.settings.state === 'PASSIVE', 10_000);
    for (const at of [A, B]) assert.equal((await gridHealth(at))?.grid?.clusterState, 'PASSIVE');
    await assert.rejects(map.put('fresh', 1), (err: Error) => {
      assert.equal(err.name, 'ClusterStateError');
      assert.match(err.message, /map states: put of key "fresh" refused: the cluster is in state PASSIVE \(reads only\) on member 127\.0\.21\.14:\d+/);
      return true;
    });
    await assert.rejects(map.remove('k1'), /state PASSIVE/);
    await everyEntry(map);

    const bogus = await state(B, 'SLEEPY');
    assert.equal(bogus.code, 1);
    assert.match(bogus.stderr, /unknown cluster state "SLEEPY": one of ACTIVE, NO_MIGRATION, FROZEN, PASSIVE/);
    const shown = await state(B);
    assert.equal(shown.stdout.trim(), 'PASSIVE', 'a non-master member shows the agreed state');

    const back = await state(B, 'active');
    assert.equal(back.code, 0, back.stderr);
    await waitFor('the client member learns ACTIVE', () => client.node.settings.state === 'ACTIVE', 10_000);
    await map.put('fresh', 1);
    assert.equal(await map.get('fresh'), 1);
  });

  it('FROZEN refuses a new member and keeps the partition table; a returning member is admitted', async () => {
    assert.equal((await state(A, 'FROZEN')).code, 0);
    await waitFor('the client member learns FROZEN', () => client.node.settings.state === 'FROZEN', 10_000);
    const frozen = table(client);

    // A member of a newer minor (as in a rolling upgrade) is new all the same.
    const c = member(config.dir, C, 'OXS3', { [TEST_MINOR_VARIABLE]: String(PROTOCOL_MINOR + 1) });
    const refused = await c.waitForLine(/was refused by master/, 20_000);
    assert.match(refused, new RegExp(`the cluster is in state FROZEN: only returning members join, and 127\\.0\\.21\\.13:5701 \\(grid protocol ${PROTOCOL_MAJOR}\\.${PROTOCOL_MINOR + 1}\\) was not a member`));
    await a.waitForLine(/join of member 127\.0\.21\.13:5701 refused: the cluster is in state FROZEN/);
    await c.ready(40_000);
    assert.equal((await gridHealth(A))?.grid?.members, 3);
    assert.equal((await gridHealth(C))?.grid?.members, 1);
    await c.kill();

    const oldB = await memberId(b);
    await b.kill();
    await waitFor('B is removed from the member list', async () => (await gridHealth(A))?.grid?.members === 2, 20_000, 100);
    assert.deepEqual(table(client), frozen, 'no promotion while FROZEN');
    assert.ok(holds(frozen, oldB) > 0);

    b = member(config.dir, B, 'OXS2');
    await b.ready(40_000);
    await waitFor('the restarted B is admitted', async () => (await gridHealth(A))?.grid?.members === 3, 20_000, 100);
    assert.notEqual(await memberId(b), oldB);
    assert.deepEqual(table(client), frozen, 'no migration while FROZEN');

    assert.equal((await state(A, 'ACTIVE')).code, 0);
    await waitClusterSafe([A, B], 3);
    assert.equal(holds(table(client), oldB), 0);
    await everyEntry(map);
  });

  it('NO_MIGRATION admits a member that owns nothing and still promotes a lost member\'s backups; PASSIVE is refused while the migration after ACTIVE runs', async () => {
    assert.equal((await state(A, 'NO_MIGRATION')).code, 0);
    await waitFor('the client member learns NO_MIGRATION', () => client.node.settings.state === 'NO_MIGRATION', 10_000);

    let layer: DataLayer | undefined;
    const node = await createClusterNode({
      join: 'static', staticNodes: `${A}:5701,${B}:5701`, interfaces: JOINER, groupName: 'grid-cluster-test', password: 'test-secret',
      route: 'OXS-JOINER', heartbeatIntervalMs: 1000, maxNoHeartbeatMs: 10_000, probeIntervalMs: 500,
    }, quietLogger, (n) => {
      layer = createDataLayer(n, { ...defaultDataOptions, operationTimeoutMs: 15_000 }, quietLogger);
    });
    joiner = { node, layer: layer!, stop: async () => { await layer!.stop(); await node.stop(); } };
    assert.equal(node.settings.state, 'NO_MIGRATION', 'the joiner learned the state from its member list');
    await waitFor('four members', async () => (await gridHealth(A))?.grid?.members === 4, 20_000, 100);
    assert.equal(holds(table(client), node.local.id), 0);

    const lost = await memberId(b);
    await b.kill();
    const promoted = await waitFor('B\'s replicas promoted away', async () => {
      const t = table(client);
      return (await gridHealth(A))?.grid?.members === 3 && holds(t, lost) === 0 ? t : undefined;
    }, 30_000, 100);
    assert.equal(holds(promoted, node.local.id), 0, 'the new member still owns nothing');
    assert.ok(promoted.every((p) => p.owner !== undefined));
    await everyEntry(map);

    // The joiner stalls (as a paused process would) from the moment it learns ACTIVE while PASSIVE is asked for:
    // the master's migrations to it cannot finish meanwhile.
    let passive: SpawnSyncReturns<string> | undefined;
    const stop = node.onClusterState((s) => {
      if (s !== 'ACTIVE' || passive) return;
      passive = spawnSync(process.execPath, [oxkBin, 'cluster', 'state', 'PASSIVE', '--url', jolokiaUrl(A), ...AUTH], { encoding: 'utf8', timeout: 30_000 });
    });
    const active = await state(A, 'ACTIVE');
    stop();
    assert.equal(active.code, 0, active.stderr);
    const during = await waitFor('the PASSIVE request ran', () => passive, 10_000);
    assert.equal(during.status, 1, during.stdout);
    assert.match(during.stderr, /the cluster state PASSIVE was refused: a migration runs on master 127\.0\.21\.11:5701 \(\d+ partitions still to migrate[^)]*\); it stays ACTIVE; retry once the cluster is safe/);

    await waitClusterSafe([A], 3);
    assert.ok(holds(table(client), node.local.id) > 0, 'ACTIVE again: the new member holds partitions');
    assert.equal((await state(A)).stdout.trim(), 'ACTIVE');
    await everyEntry(map);
  });

  it('the state survives a master change: PASSIVE stays PASSIVE when the master dies, and the new master changes it', async () => {
    assert.equal((await state(A, 'PASSIVE')).code, 0);
    await waitFor('the client member learns PASSIVE', () => client.node.settings.state === 'PASSIVE', 10_000);
    await a.kill();
    // The client joined before the joiner: it is the oldest member left, so it takes over.
    await waitFor('the client member is master', () => client.node.isMaster() && client.node.view().members.length === 2, 30_000, 100);
    assert.equal(client.node.settings.state, 'PASSIVE');
    assert.equal(joiner!.node.settings.state, 'PASSIVE');
    await assert.rejects(map.set('after', 1), /state PASSIVE/);
    const s = await client.node.settings.request({ state: 'ACTIVE' });
    assert.equal(s.state, 'ACTIVE');
    await waitFor('the other member learns ACTIVE', () => joiner!.node.settings.state === 'ACTIVE', 10_000);
  });
});
