import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { ConfigFolder } from '../../core/config/configFolder.js';
import { readMapConfigs } from '../../bundles/grid/map/mapConfig.js';
import { groupOf, matchesInterface, readPartitionGroups } from '../../bundles/grid/partition/partitionGroups.js';
import { repoRoot } from '../support/paths.js';
import { DataCluster, load } from './support/dataCluster.js';

const dirs: string[] = [];
let cluster: DataCluster | undefined;
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await cluster?.stopAll();
  cluster = undefined;
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-grid-data-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'hazelcast'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

test('OX\'s stock sessions.properties loads unchanged and without warnings', () => {
  const dir = folder({});
  copyFileSync(join(repoRoot, 'test', 'grid-data', 'fixtures', 'ox-sessions.properties'), join(dir, 'hazelcast', 'sessions.properties'));
  const warnings: string[] = [];
  const maps = readMapConfigs(ConfigFolder.load(dir), (w) => warnings.push(w));
  assert.deepEqual(warnings, []);
  assert.deepEqual(maps.get('sessions-6'), {
    name: 'sessions-6', backupCount: 1, asyncBackupCount: 0, readBackupData: true, maxIdleSeconds: 640000, timeToLiveSeconds: 0,
  });
});

test('an unknown map property is a warning with file:line; a bad value is an error with file:line', () => {
  const p = 'com.openexchange.hazelcast.configuration.map.';
  const dir = folder({ 'hazelcast/a.properties': `${p}name=a\n# comment\n${p}backupCont=2\n` });
  const warnings: string[] = [];
  const maps = readMapConfigs(ConfigFolder.load(dir), (w) => warnings.push(w));
  assert.equal(maps.get('a')?.backupCount, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^hazelcast\/a\.properties:3 unknown map property com\.openexchange\.hazelcast\.configuration\.map\.backupCont/);
  const bad = folder({ 'hazelcast/b.properties': `${p}name=b\n${p}maxIdleSeconds=soon\n` });
  assert.throws(() => readMapConfigs(ConfigFolder.load(bad), () => undefined), /^Error: hazelcast\/b\.properties:2 com\.openexchange\.hazelcast\.configuration\.map\.maxIdleSeconds: must be a non-negative integer/);
});

test('CUSTOM partition groups are read from hazelcast.xml in Hazelcast\'s form', () => {
  const dir = folder({
    'hazelcast/hazelcast.xml': `<?xml version="1.0" encoding="UTF-8"?>
<hazelcast xsi:schemaLocation="http://www.hazelcast.com/schema/config hazelcast-config-3.1.xsd"
    xmlns="http://www.hazelcast.com/schema/config" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <partition-group enabled="true" group-type="CUSTOM">
        <member-group><interface>10.0.0.1</interface></member-group>
        <member-group><interface>10.0.0.2-3</interface><interface>10.0.1.*</interface></member-group>
    </partition-group>
</hazelcast>`,
  });
  const groups = readPartitionGroups(join(dir, 'hazelcast', 'hazelcast.xml'));
  assert.deepEqual(groups, [['10.0.0.1'], ['10.0.0.2-3', '10.0.1.*']]);
  assert.ok(matchesInterface('10.0.0.2-3', '10.0.0.3'));
  assert.ok(!matchesInterface('10.0.0.2-3', '10.0.0.4'));
  const member = (address: string) => ({ id: address, address, route: 'OX', version: '2.0', lite: false, dataMember: true });
  assert.equal(groupOf(member('10.0.1.7:5701'), groups), 'group:1');
  assert.equal(groupOf(member('10.0.0.9:5701'), groups), undefined);
  assert.equal(readPartitionGroups(join(dir, 'missing.xml')), undefined);
});

test('with custom groups, a member outside every group holds no entries', async () => {
  cluster = new DataCluster({ partitionGroups: [['127.0.0.1'], ['127.0.0.2']] });
  const a = cluster.start({ address: '127.0.0.1:5701' });
  const b = cluster.start({ address: '127.0.0.2:5701' });
  const outside = cluster.start({ address: '127.0.0.3:5701' });
  await cluster.safe();
  await load(outside.layer, 'm', 1000);
  const stats = [a, b, outside].map((n) => n.layer.getMap('m').localStats());
  assert.equal(stats[2].ownedEntryCount + stats[2].backupEntryCount, 0);
  assert.equal(stats[0].ownedEntryCount + stats[1].ownedEntryCount, 1000);
  assert.equal(stats[0].backupEntryCount + stats[1].backupEntryCount, 1000);
});
