import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ClusterNode } from '../../bundles/grid/cluster/clusterNode.js';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// In-process members on 127.0.11.41-.43 (this file only).
const addrs = ['127.0.11.41', '127.0.11.42', '127.0.11.43'];
const options = {
  groupName: 'view-sync', password: 'view-sync-secret', join: 'static' as const, staticNodes: addrs.join(','),
  heartbeatIntervalMs: 200, maxNoHeartbeatMs: 3000, probeIntervalMs: 300, startupJoinTimeoutMs: 2000,
};

const running: ClusterNode[] = [];
afterEach(() => Promise.all(running.splice(0).map((n) => n.stop())));

async function cluster(): Promise<{ nodes: ClusterNode[]; logs: ReturnType<typeof captureLogger>[] }> {
  const logs = addrs.map(() => captureLogger());
  const nodes = await Promise.all(addrs.map((a, i) => createClusterNode({ ...options, interfaces: a, route: `OXV${i + 1}` }, logs[i]!.logger)));
  running.push(...nodes);
  await agreed(nodes, 10_000);
  return { nodes, logs };
}

const viewOf = (n: ClusterNode) => `${n.view().version} ${n.view().members.map((m) => m.id).join(',')}`;

/** Every node joined, with one view of all three members. */
function agreed(nodes: ClusterNode[], timeoutMs: number): Promise<string> {
  return waitFor('one view of 3 members on every node', () => {
    const views = new Set(nodes.map(viewOf));
    return nodes.every((n) => n.joined && n.view().members.length === 3) && views.size === 1 ? [...views][0] : undefined;
  }, timeoutMs, 20);
}

describe('grid view re-sync (a member whose list differs from its master\'s, by a bug)', () => {
  it('a member holding another list under the same master gets the master\'s list within a few heartbeats', async () => {
    const { nodes, logs } = await cluster();
    const before = viewOf(nodes[0]!);
    const victim = nodes.find((n) => !n.isMaster())!;
    const view = victim.view();
    // Same master, one member missing, a version far ahead: no newer list will ever come to replace it.
    victim.installList(view.version + 1000, view.members.filter((m) => m.id === view.members[0]!.id || m.id === victim.local.id), false);
    assert.notEqual(viewOf(victim), before);
    const now = await agreed(nodes, 5 * options.heartbeatIntervalMs + 1000);
    assert.equal(now, before, 'the master\'s list, not the forged one');
    const i = nodes.indexOf(victim);
    assert.ok(logs[i]!.lines.some((l) => /member list re-synchronised from master .*: version \d+ -> \d+, 3 members/.test(l)), logs[i]!.lines.join('\n'));
  });

  it('a member whose list names another master joins again after three heartbeats of the real master disputing it', async () => {
    const { nodes, logs } = await cluster();
    const master = nodes.find((n) => n.isMaster())!;
    const victim = nodes.find((n) => !n.isMaster())!;
    const third = nodes.find((n) => n !== master && n !== victim)!;
    const view = victim.view();
    // The third member as master, the real one missing: the victim no longer hears its master's lists.
    victim.installList(view.version + 1000, [third.local, victim.local], false);
    await agreed(nodes, 10 * options.heartbeatIntervalMs + 5000);
    const i = nodes.indexOf(victim);
    assert.ok(logs[i]!.lines.some((l) => /leaves its cluster view and joins again: the cluster's views differ/.test(l)), logs[i]!.lines.join('\n'));
    assert.equal(master.isMaster(), true, 'the master stayed master');
  });

  it('two masters in one view (a member that put itself first): the one whose address sorts last joins the other', async () => {
    const { nodes, logs } = await cluster();
    const master = nodes.find((n) => n.isMaster())!;
    const victim = nodes.find((n) => !n.isMaster())!;
    const view = victim.view();
    victim.installList(view.version + 1000, [victim.local, ...view.members.filter((m) => m.id !== victim.local.id)], false);
    assert.equal(victim.isMaster(), true);
    await agreed(nodes, 10 * options.heartbeatIntervalMs + 5000);
    const loser = master.local.address < victim.local.address ? victim : master;
    assert.ok(logs[nodes.indexOf(loser)]!.lines.some((l) => /joins again: the cluster's views differ: member .* is master of its own list/.test(l)), logs[nodes.indexOf(loser)]!.lines.join('\n'));
    assert.equal(nodes.filter((n) => n.isMaster()).length, 1, 'one master');
  });
});
