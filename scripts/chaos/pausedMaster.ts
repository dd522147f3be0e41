import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosCluster } from '../../test/support/chaos/chaosCluster.js';
import { chaosNetwork } from '../../test/support/chaos/chaosNetwork.js';
import { checkHistory } from '../../test/support/chaos/checker.js';
import { HistoryWriter } from '../../test/support/chaos/history.js';
import { formatReport } from '../../test/support/chaos/reportTable.js';
import { Rng } from '../../test/support/chaos/rng.js';
import { Workload } from '../../test/support/chaos/workload.js';

// Reproduces an open grid bug (see the grid README, "A master frozen past its removal"): the master
// of three nodes (127.0.15.31-.33, in a private network namespace) is paused past the heartbeat
// timeout and resumed while the other two take writes. Exit 0: the live cluster stayed and nothing
// was lost; exit 1: it merged into the resumed master's stale cluster (5 runs in 5 on a busy machine).
// `node dist/scripts/chaos/pausedMaster.js [out folder]`; the history and node logs stay there.
const addresses = ['127.0.15.31', '127.0.15.32', '127.0.15.33'];
const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'oxk-chaos-pause-'));
mkdirSync(out, { recursive: true });

async function reproduce(cluster: ChaosCluster): Promise<boolean> {
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

  const merged = others.flatMap((i) => cluster.nodes[i]!.lines.filter((l) => /this cluster of \d+ merges into it/.test(l)));
  const report = checkHistory(history.records);
  process.stdout.write(`${formatReport(report)}\n${merged.length ? `the live cluster merged into the resumed master:\n${merged.join('\n')}` : 'the live cluster stayed'}\nhistory and node logs: ${out}\n`);
  return merged.length === 0 && report.valid;
}

const net = await chaosNetwork();
const cluster = new ChaosCluster(net, { addresses, routePrefix: 'OXP', maps: ['chaos-put', 'chaos-cas'], backupCount: 1 });
try {
  process.exitCode = (await reproduce(cluster)) ? 0 : 1;
} finally {
  await cluster.stop(join(out, 'nodes'));
  net.close();
}
