import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChaosCluster } from '../support/chaos/chaosCluster.js';
import { chaosNetwork } from '../support/chaos/chaosNetwork.js';
import { checkHistory } from '../support/chaos/checker.js';
import { HistoryWriter, type OpRecord } from '../support/chaos/history.js';
import { formatReport } from '../support/chaos/reportTable.js';
import { Rng } from '../support/chaos/rng.js';
import { chaosRunFixture } from '../support/chaos/runFixture.js';
import { Workload } from '../support/chaos/workload.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.15.21-.23, inside a private network namespace; no split-brain protection.
const addresses = ['127.0.15.21', '127.0.15.22', '127.0.15.23'];
const run = chaosRunFixture('cas-partition');
const SHARED_KEYS = 8;

/** Keys a compare-and-set wrote (answered ok) through any of `routes` since `since`. */
function casKeysWritten(records: readonly { type: string }[], routes: string[], since: number): Set<string> {
  const ops = records.filter((r): r is OpRecord => r.type === 'op' && (r as OpRecord).invoke >= since);
  return new Set(ops.filter((o) => o.f !== 'get' && o.outcome === 'ok' && routes.includes(o.node)).map((o) => o.key));
}

test('one member cut off, compare-and-set on both sides: the checker reports exactly the keys both sides wrote', { timeout: 120_000 }, async () => {
  const net = await chaosNetwork();
  run.track(net);
  const cluster = new ChaosCluster(net, { addresses, routePrefix: 'OXCAS', maps: ['chaos-cas'], backupCount: 1 });
  run.track(net, cluster);
  await cluster.start();
  const history = new HistoryWriter(join(run.out, 'history.jsonl'));
  history.add({ type: 'run', seed: 3, startedAt: new Date().toISOString(), nodes: cluster.routes, putMap: 'chaos-put', casMap: 'chaos-cas', options: {} });
  const t0 = performance.now();
  const workload = new Workload(cluster.clients, history, new Rng(3), { putMap: 'chaos-put', casMap: 'chaos-cas', sharedKeys: SHARED_KEYS, loops: ['cas'], pauseMs: 20 }, t0);
  await workload.seed();

  await net.cut([addresses[2]!], addresses.slice(0, 2));
  history.add({ type: 'nemesis', fault: 'partition-one', phase: 'start', nodes: [cluster.routes[2]!], time: performance.now() - t0 });
  await Promise.all([cluster.waitSafe([2]), cluster.waitSafe([0, 1])]);
  const phaseStart = performance.now() - t0;
  workload.start();
  // Both sides write until each has written every shared key (each side's own history entries).
  await waitFor(`all ${SHARED_KEYS} shared keys written on both sides of the cut`, () =>
    casKeysWritten(history.records, [cluster.routes[2]!], phaseStart).size === SHARED_KEYS &&
    casKeysWritten(history.records, cluster.routes.slice(0, 2), phaseStart).size === SHARED_KEYS, 30_000, 100);
  await workload.stop();
  await net.heal();
  history.add({ type: 'nemesis', fault: 'partition-one', phase: 'heal', nodes: [cluster.routes[2]!], time: performance.now() - t0 });
  const ms = await cluster.waitSafe(cluster.indices());
  await cluster.nodes[2]!.waitForLine(/split-brain merge: \d+ entries of \d+ maps from this member, \d+ merged into the larger cluster/, 20_000);
  history.add({ type: 'nemesis', fault: 'partition-one', phase: 'safe', nodes: [cluster.routes[2]!], time: performance.now() - t0, ms });
  await workload.finalRead(cluster.clients[0]!, 'chaos-cas');
  history.add({ type: 'end', time: performance.now() - t0 });

  const ops = history.records.filter((r): r is OpRecord => r.type === 'op' && r.invoke >= phaseStart);
  assert.deepEqual(ops.filter((o) => o.outcome === 'info').map((o) => `${o.f} ${o.key} on ${o.node}: ${o.error}`), [], 'each side answers every operation');
  const minority = casKeysWritten(history.records, [cluster.routes[2]!], phaseStart);
  const majority = casKeysWritten(history.records, cluster.routes.slice(0, 2), phaseStart);
  const both = [...minority].filter((k) => majority.has(k)).sort();
  assert.ok(both.length > 0, 'both sides wrote some shared key');

  const report = checkHistory(history.records);
  const lost = report.anomalies.filter((a) => a.kind === 'lostCas');
  assert.deepEqual([...new Set(lost.map((a) => a.key))].sort(), both, formatReport(report));
  assert.equal(lost.length, both.length, 'one branch tip lost per key written on both sides');
  assert.ok(lost.every((a) => a.fault === 'partition-one'));
  run.passed();
});
