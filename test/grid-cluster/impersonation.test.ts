import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, describe, it } from 'node:test';
import { FrameKind, PROTOCOL_VERSION } from '../../bundles/grid/transport/frame.js';
import { gridAddress, type GridHealth, gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { runGridPeer } from '../support/runGridPeer.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Nodes on 127.0.11.1-.3, the impersonator connects from 127.0.11.9 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

const addrs = ['127.0.11.1', '127.0.11.2', '127.0.11.3'];
type Grid = NonNullable<GridHealth['grid']>;

/** Every node UP with the same member list (version and addresses) of all three members, cluster safe. */
function agreement(timeoutMs: number): Promise<Grid[]> {
  return waitFor('one member list of 3 on every node, all UP and cluster safe', async () => {
    const all = await Promise.all(addrs.map((a) => gridHealth(a)));
    if (!all.every((h) => h?.status === 'UP' && h.grid?.members === 3 && h.grid.clusterSafe)) return undefined;
    const lists = new Set(all.map((h) => `${h!.grid!.memberListVersion} ${h!.grid!.memberAddresses.join(',')}`));
    return lists.size === 1 ? all.map((h) => h!.grid!) : undefined;
  }, timeoutMs, 100);
}

const member = (g: Grid, route: string) => ({ id: g.id, address: g.address, route, version: PROTOCOL_VERSION, lite: false, dataMember: true });

describe('grid member identity', () => {
  it('a peer with the password claiming the live master and publishing a newer member list is refused and logged; the views stay one', async () => {
    const nodes = addrs.map((address, i) => gridNode({ configDir: config.dir, address, route: `OXI${i + 1}`, staticNodes: addrs }));
    await Promise.all(nodes.map((n) => n.ready()));
    const before = await agreement(30_000);
    const master = before.find((g) => g.master)!;
    const targetIndex = before.findIndex((g) => !g.master);
    const target = before[targetIndex]!;
    const forgedVersion = target.memberListVersion + 1000;
    const claimed = member(master, 'OXI-forged');
    const { port } = await gridAddress(nodes[targetIndex]!);

    // The master's id and address, a status and a list (without the third member) newer than anyone's.
    const attack = await runGridPeer({
      target: `${addrs[targetIndex]}:${port}`, bind: '127.0.11.9', group: 'grid-cluster-test', password: 'test-secret',
      claim: claimed,
      status: { joined: true, masterId: master.id, masterAddress: master.address, viewVersion: forgedVersion, memberIds: [master.id, target.id] },
      frames: [
        [FrameKind.MESSAGE, ['cluster.list', { v: forgedVersion, members: [claimed, member(target, 'OXI')] }]],
        [FrameKind.MESSAGE, ['cluster.heartbeat', { t: Date.now(), v: forgedVersion, h: 'f0f0f0f0f0f0f0f0', m: master.id, you: true }]],
      ],
      holdMs: 3000,
    });
    assert.equal(attack.events[0]?.event, 'connected', `the impersonator passed the handshake: ${JSON.stringify(attack)}`);

    // Within a few heartbeats (1 s each) every node shows the list it had before the attack.
    const afterAttack = await agreement(5000);
    assert.deepEqual(afterAttack.map((g) => [g.memberListVersion, g.memberAddresses]), before.map((g) => [g.memberListVersion, g.memberAddresses]));
    assert.deepEqual(attack.events[1]?.event, 'closed', 'the target dropped the impersonator');
    const refused = new RegExp(`grid refused a connection from 127\\.0\\.11\\.9:\\d+ claiming member ${master.address.replace(/\./g, '\\.')} \\(id ${master.id}\\): member ${master.id} .* is connected already`);
    await nodes[targetIndex]!.waitForLine(refused, 5000);

    // A new id at a live member's address is refused the same way.
    const other = before.find((g) => !g.master && g.id !== target.id)!;
    const squatter = { ...member(other, 'OXI-squat'), id: randomUUID() };
    const squat = await runGridPeer({
      target: `${addrs[targetIndex]}:${port}`, bind: '127.0.11.9', group: 'grid-cluster-test', password: 'test-secret',
      claim: squatter,
      status: { joined: true, masterId: squatter.id, masterAddress: squatter.address, viewVersion: forgedVersion, memberIds: [squatter.id] },
      frames: [[FrameKind.MESSAGE, ['cluster.list', { v: forgedVersion, members: [squatter, member(target, 'OXI')] }]]],
      holdMs: 3000,
    });
    // Refused at once, perhaps before the welcome went out: the squatter never gets to keep a connection.
    assert.ok(!squat.events.some((e) => e.event === 'open'), `the squatter was dropped: ${JSON.stringify(squat.events)}`);
    await nodes[targetIndex]!.waitForLine(new RegExp(`claiming member ${other.address.replace(/\./g, '\\.')} \\(id ${squatter.id}\\): address .* belongs to live member ${other.id}`), 5000);
    const still = await agreement(5000);
    assert.deepEqual(still.map((g) => g.memberListVersion), before.map((g) => g.memberListVersion));
    assert.equal(nodes[targetIndex]!.lines.filter((l) => /grid refused a connection/.test(l)).length, 2, 'one line per claim');
    for (const n of nodes) assert.ok(n.running);
  });
});
