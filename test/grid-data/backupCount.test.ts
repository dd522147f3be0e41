import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { gridNode, memberId } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { load, verify } from './support/dataCluster.js';
import { liteMember, stopLiteMembers, waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.4.31-.33 for the nodes, 127.0.4.39 for the test's lite member (this file only).
const addrs = ['127.0.4.31', '127.0.4.32', '127.0.4.33'];
const P = 'com.openexchange.hazelcast.configuration.map.';
const config = tempConfig({
  'hazelcast/nobackup.properties': `${P}name=nobackup\n${P}backupCount=0\n${P}asyncBackupCount=0\n${P}evictionPolicy=LRU\n`,
});
after(() => config.remove());
afterEach(async () => {
  await stopLiteMembers();
  await killAll();
});

test('with backupCount 0 a SIGKILL loses exactly the dead member\'s share; with backup 1 nothing; unknown map keys are warned about', async () => {
  const nodes = await startThree((i) => gridNode({ configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs }));
  await nodes[0].waitForLine(/WARN .*hazelcast\/nobackup\.properties:4 unknown map property com\.openexchange\.hazelcast\.configuration\.map\.evictionPolicy/);
  const client = await liteMember('127.0.4.39', addrs);
  await waitClusterSafe(addrs, 4);
  const count = 3000;
  await load(client.layer, 'nobackup', count);
  await load(client.layer, 'backedup', count);
  const victim = await memberId(nodes[1]);
  const table = client.layer.partitions();
  let share = 0;
  for (let i = 0; i < count; i++) if (table[partitionOf(`k${i}`, table.length)].owner === victim) share++;
  assert.ok(share > count / 6, `the victim owns ${share} of ${count}`);

  await nodes[1].kill();
  await waitFor('the cluster to drop the dead member', () => !client!.node.view().members.some((m) => m.id === victim), 20_000);
  assert.deepEqual(await verify(client.layer, 'nobackup', count), { missing: share, wrong: 0 });
  assert.deepEqual(await verify(client.layer, 'backedup', count), { missing: 0, wrong: 0 });
});
