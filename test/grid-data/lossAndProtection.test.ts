import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { type PartitionLostEvent, SplitBrainProtectionError } from '../../bundles/grid/api.js';
import { readDataOptions } from '../../bundles/grid/data/dataOptions.js';
import { defaultMapConfig, readMapConfigs } from '../../bundles/grid/map/mapConfig.js';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { readTopicConfigs } from '../../bundles/grid/topic/topicConfig.js';
import { ConfigFolder } from '../../core/config/configFolder.js';
import { captureLogger } from '../support/captureLogger.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { DataCluster, load } from './support/dataCluster.js';

const dirs: string[] = [];
let cluster: DataCluster | undefined;
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await cluster?.stopAll();
  cluster = undefined;
});

function folder(files: Record<string, string>): ConfigFolder {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-loss-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'hazelcast'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return ConfigFolder.load(dir);
}

const MAP = 'com.openexchange.hazelcast.configuration.map.';
const TOPIC = 'com.openexchange.hazelcast.configuration.topic.';

describe('partition loss (in-process members)', () => {
  test('a member crash loses the partitions it owned for a map without backups, nothing for a map with one; every member hears of it', async () => {
    cluster = new DataCluster({ maps: new Map([['zero', { ...defaultMapConfig('zero'), backupCount: 0 }]]) });
    const nodes = [cluster.start(), cluster.start(), cluster.start()];
    await cluster.safe();
    const heard: PartitionLostEvent[][] = nodes.map(() => []);
    nodes.forEach((n, i) => n.layer.onPartitionLost((e) => heard[i]!.push(e)));
    await load(nodes[0]!.layer, 'zero', 3000);
    await load(nodes[0]!.layer, 'one', 3000);
    const victim = nodes[2]!;
    const owned = new Set(victim.layer.partitions().filter((p) => p.owner === victim.spi.local.id).map((p) => p.id));

    cluster.crash(victim);
    await waitFor('both survivors heard of the loss', () => heard[0]!.length > 0 && heard[1]!.length > 0, 10_000);
    const event = heard[0]![0]!;
    assert.deepEqual(heard[1], heard[0], 'the same event on every member');
    assert.deepEqual(event.maps.map((m) => m.name), ['zero'], 'only the map without backups lost data');
    assert.deepEqual(new Set(event.maps[0]!.partitions), owned, 'exactly the partitions the victim owned');
    assert.deepEqual(event.lostMembers, [victim.spi.local.address]);
    assert.equal(nodes[0]!.layer.partitionLoss().partitionsLost, owned.size);
    assert.deepEqual(nodes[1]!.layer.partitionLoss().lostPartitions, [...owned].sort((a, b) => a - b));

    await cluster.safe();
    const zero = nodes[0]!.layer.getMap<string>('zero');
    const one = nodes[0]!.layer.getMap<string>('one');
    for (let i = 0; i < 3000; i++) {
      const key = `k${i}`;
      assert.equal(await zero.get(key), owned.has(partitionOf(key, 271)) ? undefined : `value-${i}`, key);
      assert.equal(await one.get(key), `value-${i}`, key);
    }
  });

  test('no loss is reported while a backup remains', async () => {
    cluster = new DataCluster();
    const nodes = [cluster.start(), cluster.start(), cluster.start()];
    await cluster.safe();
    await load(nodes[0]!.layer, 'one', 500);
    cluster.crash(nodes[2]!);
    await cluster.safe();
    cluster.crash(nodes[1]!);
    await cluster.safe();
    assert.equal(nodes[0]!.layer.partitionLoss().partitionsLost, 0);
    assert.equal(await nodes[0]!.layer.getMap('one').size(), 500);
  });
});

describe('split-brain protection', () => {
  test('a side with fewer data members than the minimum refuses map operations and publishes at once; lite members do not count', async () => {
    cluster = new DataCluster({
      maps: new Map([['guarded', { ...defaultMapConfig('guarded'), minimumClusterSize: 2 }]]),
      topics: new Map([['news', { name: 'news', minimumClusterSize: 2 }]]),
    });
    const first = cluster.start();
    cluster.start({ lite: true });
    await cluster.safe();
    const guarded = first.layer.getMap<string>('guarded');
    // Refused before it is sent: the refusal itself, not the retry loop's deadline error.
    await assert.rejects(guarded.set('a', 'x'), (err: unknown) => {
      assert.ok(err instanceof SplitBrainProtectionError, String(err));
      assert.equal(err.message, `map guarded: split-brain protection requires at least 2 data members, this side of the cluster has 1 (member ${first.spi.local.address}); operation refused`);
      return true;
    });
    await assert.rejects(guarded.get('a'), SplitBrainProtectionError);
    await assert.rejects(guarded.size(), SplitBrainProtectionError);
    await assert.rejects(first.layer.getTopic('news').publish('hello'), /topic news: split-brain protection requires at least 2 data members, this side of the cluster has 1/);
    await first.layer.getMap('free').set('a', 'x');

    cluster.start();
    await cluster.safe();
    await guarded.set('a', 'x');
    assert.equal(await guarded.get('a'), 'x');
    await first.layer.getTopic('news').publish('hello');
  });

  test('minimumClusterSize is read per map and per topic; below 1 is refused with file:line, left out is off, unknown keys are warned about', () => {
    const files = folder({
      'hazelcast/guarded.properties': `${MAP}name=guarded\n${MAP}splitBrainProtection.minimumClusterSize=3\n`,
      'hazelcast/news.properties': `${TOPIC}name=news\n${TOPIC}splitBrainProtection.minimumClusterSize=2\n${TOPIC}capacity=5\n`,
    });
    const warnings: string[] = [];
    assert.equal(readMapConfigs(files, (w) => warnings.push(w)).get('guarded')?.minimumClusterSize, 3);
    assert.deepEqual([...readTopicConfigs(files, (w) => warnings.push(w)).values()], [{ name: 'news', minimumClusterSize: 2 }]);
    assert.deepEqual(warnings, [`hazelcast/news.properties:3 unknown topic property ${TOPIC}capacity (topic news) is ignored`]);

    const unset = folder({ 'hazelcast/m.properties': `${MAP}name=m\n`, 'hazelcast/t.properties': `${TOPIC}name=t\n` });
    assert.equal(readMapConfigs(unset, () => undefined).get('m')?.minimumClusterSize, undefined);
    assert.equal(readTopicConfigs(unset, () => undefined).get('t')?.minimumClusterSize, 0);

    for (const value of ['-1', '0', 'two']) {
      const badMap = folder({ 'hazelcast/m.properties': `${MAP}name=m\n\n${MAP}splitBrainProtection.minimumClusterSize=${value}\n` });
      assert.throws(() => readMapConfigs(badMap, () => undefined), new RegExp(`^Error: hazelcast/m\\.properties:3 ${MAP.replace(/\./g, '\\.')}splitBrainProtection\\.minimumClusterSize: must be a whole number of data members, at least 1 \\(leave the key out to switch split-brain protection off\\), got "${value}"`));
      const badTopic = folder({ 'hazelcast/t.properties': `${TOPIC}name=t\n${TOPIC}splitBrainProtection.minimumClusterSize=${value}\n` });
      assert.throws(() => readTopicConfigs(badTopic, () => undefined), new RegExp(`^Error: hazelcast/t\\.properties:2 .*minimumClusterSize: must be a whole number of data members, at least 1 .*got "${value}"`));
    }
  });

  test('oxk config check refuses a minimum of 0 with file:line', async () => {
    const config = tempConfig({ 'hazelcast/guarded.properties': `${MAP}name=guarded\n${MAP}splitBrainProtection.minimumClusterSize=0\n` });
    try {
      const r = await runOxk(['config', 'check', '--config', config.dir]);
      assert.equal(r.code, 2);
      assert.match(r.stdout + r.stderr, /hazelcast\/guarded\.properties:2 com\.openexchange\.hazelcast\.configuration\.map\.splitBrainProtection\.minimumClusterSize: must be a whole number of data members, at least 1 \(leave the key out to switch split-brain protection off\), got "0"/);
    } finally {
      config.remove();
    }
  });

  test('a minimum above the static join list is a warning at start, not an error', () => {
    const files = folder({ 'hazelcast/guarded.properties': `${MAP}name=guarded\n${MAP}splitBrainProtection.minimumClusterSize=4\n` });
    const props: Record<string, unknown> = {
      'hazelcast.partition.count': 271, 'com.openexchange.hazelcast.maxOperationTimeout': 5000, 'com.openexchange.hazelcast.map.maxKeySize': 1024,
      'com.openexchange.hazelcast.map.maxValueSize': 1048576, 'com.openexchange.hazelcast.partition.migrationParallelism': 4,
      'com.openexchange.hazelcast.partition.gracefulShutdownTimeout': 20000, 'com.openexchange.hazelcast.merge.policy': 'latest-update',
      'com.openexchange.hazelcast.topic.capacity': 10000, 'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': '10.0.0.1,10.0.0.2,10.0.0.3',
    };
    const { logger, lines } = captureLogger();
    const options = readDataOptions((k) => props[k], files, logger);
    assert.equal(options.maps.get('guarded')?.minimumClusterSize, 4);
    assert.deepEqual(lines, ['warn: map guarded: splitBrainProtection.minimumClusterSize 4 exceeds the 3 members of com.openexchange.hazelcast.network.join.static.nodes: unless more members join, every operation on it is refused']);
  });
});
