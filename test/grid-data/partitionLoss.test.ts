import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import type { ClusterStats } from '../../bundles/management/cli/clusterStats.js';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { liteMember, stopLiteMembers, waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.14.1-.3 (nodes) and 127.0.14.9 (the test's lite member); this file only.
const addrs = ['127.0.14.1', '127.0.14.2', '127.0.14.3'];
const CLIENT = '127.0.14.9';
const JOLOKIA = { user: 'jmxadmin', password: 'loss-Secret-7' };
const config = tempConfig();
after(() => config.remove());
afterEach(async () => {
  await stopLiteMembers();
  await killAll();
});

const start = (i: number): NodeProcess => gridNode({
  configDir: config.dir, address: addrs[i]!, route: `PL${i + 1}`, staticNodes: addrs,
  set: {
    'kernel.bundles.path': cacheDriverBundlesPath,
    'com.openexchange.jolokia.user': JOLOKIA.user,
    'com.openexchange.jolokia.password': JOLOKIA.password,
  },
});

interface LossHealth {
  grid?: { partitionsLost: number; lostPartitions: number[]; lastPartitionLossTime: string | null; clusterSafe: boolean };
}

async function lossHealth(address: string): Promise<LossHealth['grid']> {
  return ((await gridHealth(address)) as LossHealth | undefined)?.grid;
}

/** Reads the PartitionService MBean's attributes through Jolokia (a pattern read: one bean per node). */
async function partitionMBean(address: string): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${address}:8009/monitoring/jolokia/read/com.hazelcast:type=PartitionService,*`, {
    headers: { authorization: `Basic ${Buffer.from(`${JOLOKIA.user}:${JOLOKIA.password}`).toString('base64')}` },
  });
  const body = (await res.json()) as { status: number; value: Record<string, Record<string, unknown>> };
  assert.equal(body.status, 200, JSON.stringify(body));
  return Object.values(body.value)[0]!;
}

describe('partition loss', () => {
  it('SIGKILL of two of three members (backup 1): the survivor logs the loss, counts it everywhere, sessions and caches react', async () => {
    const nodes = await startThree(start);
    await waitClusterSafe(addrs, 3);
    const client = await liteMember(CLIENT, addrs);
    const data = client.layer.getMap<string>('data');
    const sessions = client.layer.getMap<string>('sessions');
    const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}`);
    for (let i = 0; i < keys.length; i += 500) await Promise.all(keys.slice(i, i + 500).map((k) => data.set(k, `v-${k}`)));
    for (let i = 0; i < 3000; i += 500) await Promise.all(keys.slice(i, i + 500).map((k) => sessions.set(k, `s-${k}`)));
    const cache = new CacheClient(addrs[0]!);
    await cache.put('User', 'cached', 'v');
    assert.equal(await cache.get('User', 'cached'), 'v');
    assert.equal((await lossHealth(addrs[0]!))!.partitionsLost, 0, 'no loss before the kill');

    await Promise.all([nodes[1]!.kill(), nodes[2]!.kill()]);
    const survivor = nodes[0]!;
    await survivor.waitForLine(/ERROR .*partition loss: \d+ partitions lost/, 30_000);
    await waitClusterSafe([addrs[0]!], 2);

    const errors = survivor.lines.filter((l) => /ERROR .*partition loss: \d+ partitions lost/.test(l));
    const logged = errors.reduce((n, l) => n + Number(/partition loss: (\d+) partitions/.exec(l)![1]), 0);
    for (const line of errors) {
      assert.match(line, /map data \(\d+ partitions\)/, 'the line names the map');
      assert.match(line, /map sessions \(\d+ partitions\)/);
      assert.match(line, /127\.0\.14\.[23]:5701/, 'the line names a lost member');
      assert.match(line, /partitions \d+(,\d+)*$/, 'the line lists the partitions');
    }

    const health = (await lossHealth(addrs[0]!))!;
    assert.ok(health.partitionsLost > 0);
    assert.equal(health.partitionsLost, logged, '/health counts what the log reported');
    assert.equal(health.lostPartitions.length, logged, 'each partition lost once');
    assert.ok(health.lastPartitionLossTime !== null && Date.parse(health.lastPartitionLossTime) <= Date.now());
    assert.equal(health.clusterSafe, true, 'clusterSafe stays a statement about replicas in sync');

    // The loss is true: exactly the entries of the reported partitions are gone.
    const lost = new Set(health.lostPartitions);
    const values = await Promise.all(keys.map((k) => data.get(k)));
    const missing = keys.filter((_, i) => values[i] === undefined);
    assert.ok(missing.length > 0, 'entries were lost');
    assert.deepEqual(missing.filter((k) => !lost.has(partitionOf(k, 271))), [], 'every missing entry is in a reported partition');
    const expectedGone = keys.filter((k) => lost.has(partitionOf(k, 271))).length;
    assert.equal(missing.length, expectedGone, 'every entry of a reported partition is gone');

    const bean = await partitionMBean(addrs[0]!);
    assert.equal(bean.partitionsLost, logged, 'the PartitionService MBean (Jolokia)');
    assert.ok(Number(bean.lastPartitionLossTime) > 0);
    const auth = { authorization: `Basic ${Buffer.from(`${JOLOKIA.user}:${JOLOKIA.password}`).toString('base64')}` };
    const metrics = await (await fetch(`http://${addrs[0]}:8009/metrics`, { headers: auth })).text();
    assert.match(metrics, new RegExp(`^com_hazelcast_partition_service_partitions_lost\\{[^}]*\\} ${logged}$`, 'm'), 'Prometheus');
    const stats = await runOxk(['stats', '-c', '--json', '--url', `http://${addrs[0]}:8009/monitoring/jolokia`, '--user', JOLOKIA.user, '--password', JOLOKIA.password]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal((JSON.parse(stats.stdout) as ClusterStats).cluster!.partitionsLost, logged, 'oxk stats -c');

    const sessionLine = await survivor.waitForLine(/partitions of session map "sessions" are gone: about \d+ sessions may be gone/);
    const estimate = Number(/about (\d+) sessions/.exec(sessionLine)![1]);
    const reallyGone = keys.slice(0, 3000).filter((k) => lost.has(partitionOf(k, 271))).length;
    assert.ok(estimate > 0 && reallyGone > 0, `estimate ${estimate}, really gone ${reallyGone}`);

    await survivor.waitForLine(/grid partition loss .*cleared \d+ grid-invalidated regions locally \(.*User/);
    assert.equal(await cache.get('User', 'cached'), undefined, 'the grid-invalidated region was cleared');
    await waitFor('the lite member learned of the loss too', () => client.layer.partitionLoss().partitionsLost === logged, 10_000);
  });
});

describe('a full stop', () => {
  it('SIGTERM to all three members at once: what the members log about their partitions is true', async () => {
    const nodes = await startThree(start);
    await waitClusterSafe(addrs, 3);
    const client = await liteMember(CLIENT, addrs);
    const data = client.layer.getMap<string>('data');
    await Promise.all(Array.from({ length: 2000 }, (_, i) => data.set(`k${i}`, 'v')));
    await client.stop();

    const stopping = Date.now();
    for (const n of nodes) n.signal('SIGTERM');
    const codes = await Promise.all(nodes.map((n) => n.waitForExit(40_000)));
    const took = Date.now() - stopping;
    assert.deepEqual(codes, [0, 0, 0]);

    const lines = nodes.flatMap((n) => n.lines);
    const aboutPartitions = lines.filter((l) => /partitions? .*(lost|take[s]? over|not handed off)|handed off all/.test(l));
    assert.ok(aboutPartitions.length > 0, 'the members say what happens to their partitions');
    // Nobody keeps running: no line may promise that backups take over, nor blame a timeout that did not pass.
    assert.deepEqual(lines.filter((l) => /backups? .*take[s]? over/.test(l)), []);
    if (took < 20_000) assert.deepEqual(lines.filter((l) => /not handed off after \d+ ms/.test(l)), []);
    assert.ok(lines.some((l) => /data of .*partitions.* is lost|their data is lost/.test(l)), `the loss is stated:\n${aboutPartitions.join('\n')}`);
  });
});
