import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, describe, it } from 'node:test';
import { FrameKind, PROTOCOL_VERSION } from '../../bundles/grid/transport/frame.js';
import { gridAddress, gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { bytes, runGridPeer } from '../support/runGridPeer.js';
import { tempConfig } from '../support/tempConfig.js';

// Nodes on 127.0.11.21-.22, the misbehaving peer connects from 127.0.11.29 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

/** `{ k: { k: ... 'deep' } }`, `depth` objects deep. */
function nested(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = { k: v };
  return v;
}

describe('malformed grid messages', () => {
  it('a member sending a payload its service does not accept is dropped with one line naming it, the service and the violation; the node keeps serving', async () => {
    const addrs = ['127.0.11.21', '127.0.11.22'];
    const nodes = addrs.map((address, i) => gridNode({ configDir: config.dir, address, route: `OXM${i + 1}`, staticNodes: addrs }));
    await Promise.all(nodes.map((n) => n.ready()));
    await waitForMembers(addrs, 2);
    const node = nodes[0]!;
    const { port } = await gridAddress(node);
    const rogue = { id: randomUUID(), address: '127.0.11.29:5701', route: 'OXM-rogue', version: PROTOCOL_VERSION, lite: false, dataMember: true };
    const send = (frames: [number, unknown][]) => runGridPeer({
      target: `${addrs[0]}:${port}`, bind: '127.0.11.29', group: 'grid-cluster-test', password: 'test-secret', claim: rogue,
      status: { joined: false, masterId: rogue.id, masterAddress: rogue.address, viewVersion: 0, memberIds: [rogue.id] },
      frames: frames as [FrameKind, unknown][],
      holdMs: 10_000,
    });

    const badHeartbeat = [FrameKind.MESSAGE, ['cluster.heartbeat', { t: Date.now(), v: 'seven', h: '00', m: rogue.id, you: true }]] as [number, unknown];
    for (let i = 0; i < 2; i++) {
      const run = await send([badHeartbeat, badHeartbeat]);
      assert.deepEqual(run.events.map((e) => e.event), ['connected', 'closed'], `dropped, not kept open: ${run.stderr}`);
      assert.match(String(run.events[1]!.reason), /closed by peer/);
    }
    const deepKey = [FrameKind.REQUEST, [1, 'grid.ops', [['map', 0, [1, 'sessions', nested(10), bytes(Buffer.from([0xa1, 0x78])), 0], 1]]]] as [number, unknown];
    const keyRun = await send([deepKey]);
    assert.deepEqual(keyRun.events.map((e) => e.event), ['connected', 'closed']);
    const badFrame = [FrameKind.REQUEST, ['one', 'cluster.ping', null]] as [number, unknown];
    assert.deepEqual((await send([badFrame])).events.map((e) => e.event), ['connected', 'closed']);

    const who = `member 127\\.0\\.11\\.29:5701 \\(id ${rogue.id}\\)`;
    await node.waitForLine(new RegExp(`grid dropped the connection of ${who}: malformed "cluster\\.heartbeat" message: /v must be`));
    await node.waitForLine(new RegExp(`grid dropped the connection of ${who}: malformed "grid\\.ops" request \\(map operation\\): /2 must be string`));
    await node.waitForLine(new RegExp(`grid dropped the connection of ${who}: malformed request frame: /0 must be`));
    assert.equal(node.lines.filter((l) => /grid dropped the connection of .*cluster\.heartbeat/.test(l)).length, 1, 'the repeated violation is logged once');

    // Still serving: the cluster is whole and a client stores and reads an entry.
    await waitForMembers(addrs, 2);
    const map = (...args: string[]) => runOxk(['map', '--connect', addrs[0]!, '--group', 'grid-cluster-test', '--password', 'test-secret', ...args], { timeoutMs: 60_000 });
    const put = await map('sessions', 'put', 'k', 'v');
    assert.equal(put.stdout.trim(), 'ok (new entry)', put.stderr);
    const got = await map('sessions', 'get', 'k');
    assert.equal(got.stdout.trim(), 'v', got.stderr);
    for (const n of nodes) assert.ok(n.running);
  });
});
