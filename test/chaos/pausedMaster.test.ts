import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PrivateNetwork } from '../support/privateNetwork.js';
import { ChaosCluster } from '../support/chaos/chaosCluster.js';
import { chaosNetwork } from '../support/chaos/chaosNetwork.js';
import { checkHistory } from '../support/chaos/checker.js';
import { HistoryWriter } from '../support/chaos/history.js';
import { formatReport } from '../support/chaos/reportTable.js';
import { Rng } from '../support/chaos/rng.js';
import { chaosRunFixture } from '../support/chaos/runFixture.js';
import { Workload } from '../support/chaos/workload.js';

// Addresses 127.0.24.31-.33, inside a private network namespace.
const addresses = ['127.0.24.31', '127.0.24.32', '127.0.24.33'];
const run = chaosRunFixture('paused-master');

/**
 * Keeps a resumed member from learning anything through connections it opens to `others` (their
 * SYN-ACK comes back, so its connect succeeds, but its handshake never arrives: it waits for the
 * handshake timeout), while connections the others open to it work. So the new master's probe sees
 * the resumed master's stale list before the resumed master can notice its removal: the race of
 * the issue, on purpose.
 */
async function muteOutbound(n: PrivateNetwork, from: string, others: string[]): Promise<void> {
  for (const to of others) await n.exec(['iptables', '-A', 'INPUT', '-s', from, '-d', to, '-p', 'tcp', '--dport', '5701', '!', '--syn', '-j', 'DROP']);
}

test('a master paused past its removal and resumed merges into the live cluster, which loses no acknowledged write', { timeout: 180_000 }, async () => {
  const net = await chaosNetwork();
  // Merge runs every 500 ms: the new master decides well before the resumed one could notice anything (3 s without heartbeats).
  const cluster = new ChaosCluster(net, {
    addresses, routePrefix: 'OXPM', maps: ['chaos-put', 'chaos-cas'], backupCount: 1,
    set: { 'com.openexchange.hazelcast.mergeFirstRunDelay': '500ms', 'com.openexchange.hazelcast.mergeRunDelay': '500ms' },
  });
  run.track(net, cluster);
  await cluster.start();
  const paused = await cluster.master();
  const others = cluster.indices().filter((i) => i !== paused);
  const pausedAddress = `${addresses[paused]!}:5701`;
  const history = new HistoryWriter(join(run.out, 'history.jsonl'));
  history.add({ type: 'run', seed: 4, startedAt: new Date().toISOString(), nodes: cluster.routes, putMap: 'chaos-put', casMap: 'chaos-cas', options: {} });
  const t0 = performance.now();
  const workload = new Workload(cluster.clients, history, new Rng(4), { putMap: 'chaos-put', casMap: 'chaos-cas', sharedKeys: 8, loops: ['put', 'cas'], pauseMs: 20 }, t0);
  await workload.seed();
  workload.start(others);

  try {
    const routes = [cluster.routes[paused]!];
    cluster.nodes[paused]!.signal('SIGSTOP');
    history.add({ type: 'nemesis', fault: 'pause', phase: 'start', nodes: routes, time: performance.now() - t0 });
    await cluster.waitSafe(others);
    const successor = await cluster.master();
    assert.ok(others.includes(successor), `a live member took over (master ${cluster.routes[successor]})`);
    await muteOutbound(net, addresses[paused]!, others.map((i) => addresses[i]!));
    cluster.nodes[paused]!.signal('SIGCONT');
    history.add({ type: 'nemesis', fault: 'pause', phase: 'heal', nodes: routes, time: performance.now() - t0 });

    const escaped = pausedAddress.replace(/\./g, '\\.');
    const decision = await cluster.nodes[successor]!.waitForLine(new RegExp(`found (another )?cluster "[^"]+" of \\d+ member\\(s\\) \\(master ${escaped}\\)`), 20_000);
    assert.match(decision, /of 1 member\(s\) .* it merges into this one of 2/, 'the resumed master counts as a cluster of one');
    await net.heal();
    const ms = await cluster.waitSafe(cluster.indices());
    history.add({ type: 'nemesis', fault: 'pause', phase: 'safe', nodes: routes, time: performance.now() - t0, ms });
  } finally {
    await workload.stop();
  }
  for (const map of ['chaos-put', 'chaos-cas']) await workload.finalRead(cluster.clients[others[0]!]!, map);
  history.add({ type: 'end', time: performance.now() - t0 });

  const mergedAway = others.flatMap((i) => cluster.nodes[i]!.lines.filter((l) => /this cluster of \d+ merges into it/.test(l)));
  assert.deepEqual(mergedAway, [], 'the live cluster never merges into the resumed master');
  await cluster.nodes[paused]!.waitForLine(/leaves its cluster view and joins again/, 1000);
  const report = checkHistory(history.records);
  assert.ok(report.valid, formatReport(report));
  run.passed();
});
