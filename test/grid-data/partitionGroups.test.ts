import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { gridNode, memberId } from '../support/gridNodes.js';
import { jolokia, jolokiaSettings, readAttribute } from '../support/jolokia.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { load, verify } from './support/dataCluster.js';
import { liteMember, stopLiteMembers, waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.4.41-.43 for the nodes, 127.0.4.49 for the test's lite member (this file only).
const addrs = ['127.0.4.41', '127.0.4.42', '127.0.4.43'];
const config = tempConfig({
  'hazelcast/hazelcast.xml': `<?xml version="1.0" encoding="UTF-8"?>
<hazelcast xsi:schemaLocation="http://www.hazelcast.com/schema/config hazelcast-config-3.1.xsd"
    xmlns="http://www.hazelcast.com/schema/config" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <partition-group enabled="true" group-type="CUSTOM">
    <member-group><interface>127.0.4.41</interface></member-group>
    <member-group><interface>127.0.4.42</interface></member-group>
  </partition-group>
</hazelcast>
`,
});
after(() => config.remove());
afterEach(async () => {
  await stopLiteMembers();
  await killAll();
});

test('custom partition groups: two data members hold everything, the member outside every group holds nothing', async () => {
  const nodes = await startThree((i) => gridNode({ configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs, set: jolokiaSettings }));
  await nodes[0].waitForLine(/custom partition groups from hazelcast\/hazelcast\.xml: \[127\.0\.4\.41\] \[127\.0\.4\.42\]/);
  const client = await liteMember('127.0.4.49', addrs);
  await waitClusterSafe(addrs, 4);
  await load(client.layer, 'grouped', 2000);
  const [a, b, outside] = await Promise.all(nodes.map((n) => memberId(n)));
  const table = client.layer.partitions();
  assert.ok(table.every((p) => p.owner !== outside && !p.backups.includes(outside)), 'the outside member holds no replica');
  assert.ok(table.every((p) => new Set([p.owner, ...p.backups]).size === 2 && [a, b].includes(p.owner!)), 'owner and backup on the two groups');

  // What the web console shows: the groups with their members, and each member's group ('' outside every group).
  const grid = addrs.map((x) => `${x}:5701`);
  assert.deepEqual(await readAttribute(addrs[2], 'com.hazelcast:type=PartitionService,instance=OX3,name=OX3', 'partitionGroups'),
    [{ name: addrs[0], members: [grid[0]] }, { name: addrs[1], members: [grid[1]] }]);
  const memberGroups: Record<string, string> = {};
  for (const name of await jolokia<string[]>(addrs[2], { type: 'search', mbean: 'com.hazelcast:type=Member,instance=OX3,*' })) {
    const m = await jolokia<{ address: string; partitionGroup: string }>(addrs[2], { type: 'read', mbean: name });
    memberGroups[m.address] = m.partitionGroup;
  }
  assert.deepEqual(Object.fromEntries(grid.map((x) => [x, memberGroups[x]])), { [grid[0]]: addrs[0], [grid[1]]: addrs[1], [grid[2]]: '' });

  await nodes[2].kill();
  await waitFor('the cluster to drop the outside member', () => !client!.node.view().members.some((m) => m.id === outside), 20_000);
  assert.deepEqual(client.layer.partitions(), table, 'losing the outside member moves nothing');
  await nodes[0].kill();
  assert.deepEqual(await verify(client.layer, 'grouped', 2000), { missing: 0, wrong: 0 });
});
