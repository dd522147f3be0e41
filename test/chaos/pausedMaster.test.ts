import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { PrivateNetwork } from '../support/privateNetwork.js';
import { ChaosCluster } from '../support/chaos/chaosCluster.js';
import { chaosNetwork } from '../support/chaos/chaosNetwork.js';
import { checkHistory } from '../support/chaos/checker.js';
import { HistoryWriter } from '../support/chaos/history.js';
import { formatReport } from '../support/chaos/reportTable.js';
import { Rng } from '../support/chaos/rng.js';
import { Workload } from '../support/chaos/workload.js';

// Addresses 127.0.15.31-.33, inside a private network namespace.
const addresses = ['127.0.15.31', '127.0.15.32', '127.0.15.33'];
const out = mkdtempSync(join(tmpdir(), 'oxk-chaos-pause-'));
let net: PrivateNetwork | undefined;
let cluster: ChaosCluster | undefined;
after(async () => {
  await cluster?.stop();
  net?.close();
  rmSync(out, { recursive: true, force: true });
});

test('a master paused past the heartbeat timeout comes back with a stale member list: the others do not merge into it, nothing written to them is lost', { timeout: 120_000 }, async () => {
  net = await chaosNetwork();
  cluster = new ChaosCluster(net, { addresses, routePrefix: 'OXP', maps: ['chaos-put', 'chaos-cas'], backupCount: 1 });
  await cluster.start();
  const master = await cluster.master();
  const others = cluster.indices().filter((i) => i !== master);
  const history = new HistoryWriter(join(out, 'history.jsonl'));
  history.add({ type: 'run', seed: 4, startedAt: new Date().toISOString(), nodes: cluster.routes, putMap: 'chaos-put', casMap: 'chaos-cas', options: {} });
  const t0 = performance.now();
  const workload = new Workload(cluster.clients, history, new Rng(4), { putMap: 'chaos-put', casMap: 'chaos-cas', sharedKeys: 8, loops: ['put', 'cas'], pauseMs: 20 }, t0);
  await workload.seed();
  workload.start(others);

  const routes = [cluster.routes[master]!];
  cluster.nodes[master]!.signal('SIGSTOP');
  history.add({ type: 'nemesis', fault: 'pause', phase: 'start', nodes: routes, time: performance.now() - t0 });
  await cluster.waitSafe(others);
  cluster.nodes[master]!.signal('SIGCONT');
  history.add({ type: 'nemesis', fault: 'pause', phase: 'heal', nodes: routes, time: performance.now() - t0 });
  const ms = await cluster.waitSafe(cluster.indices());
  history.add({ type: 'nemesis', fault: 'pause', phase: 'safe', nodes: routes, time: performance.now() - t0, ms });
  await workload.stop();
  for (const map of ['chaos-put', 'chaos-cas']) await workload.finalRead(cluster.clients[others[0]!]!, map);
  history.add({ type: 'end', time: performance.now() - t0 });

  const merged = others.flatMap((i) => cluster!.nodes[i]!.lines.filter((l) => /this cluster of \d+ merges into it/.test(l)));
  assert.deepEqual(merged, [], 'the live cluster stays; the resumed member rejoins it');
  const report = checkHistory(history.records);
  assert.deepEqual(report.anomalies, [], formatReport(report));
});
