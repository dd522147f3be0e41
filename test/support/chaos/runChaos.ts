import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaosCluster } from './chaosCluster.js';
import { chaosNetwork } from './chaosNetwork.js';
import { type CheckReport, checkHistory } from './checker.js';
import { type FaultName, HistoryWriter } from './history.js';
import { Nemesis } from './nemesis.js';
import { Rng } from './rng.js';
import { Workload } from './workload.js';

export interface ChaosOptions {
  /** Node addresses inside the private namespace (at least 5 for the two-against-three partition). */
  addresses: string[];
  routePrefix?: string;
  /** Faults in order; with `durationMs` the list repeats (shuffled by the seed) until the time is up. */
  faults: FaultName[];
  durationMs?: number;
  seed: number;
  /** Where history.jsonl and report.json go. */
  outDir: string;
  backupCount: number;
  minimumClusterSize?: number;
  sharedKeys: number;
  holdMs: number;
  /** Fault-free time before each fault, ms. */
  quietMs: number;
  pauseMs: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  historyFile: string;
  reportFile: string;
  report: CheckReport;
  /** Node start to cluster safe, ms: the fault-free peer of the times to cluster safe after a heal. */
  startMs: number;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults to inject: the list once, or repeated in seeded order until `durationMs` is spent. */
function* schedule(o: ChaosOptions, rng: Rng, started: number): Generator<FaultName> {
  if (o.durationMs === undefined) return yield* o.faults;
  while (performance.now() - started < o.durationMs) yield* rng.shuffle(o.faults);
}

/** One run: cluster up, clients writing through every member, faults one at a time, final read, check. */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => undefined);
  mkdirSync(o.outDir, { recursive: true });
  const historyFile = join(o.outDir, 'history.jsonl');
  const reportFile = join(o.outDir, 'report.json');
  const net = await chaosNetwork();
  const putMap = 'chaos-put';
  const casMap = 'chaos-cas';
  const cluster = new ChaosCluster(net, { addresses: o.addresses, routePrefix: o.routePrefix ?? 'OXC', maps: [putMap, casMap], backupCount: o.backupCount, minimumClusterSize: o.minimumClusterSize });
  try {
    log(`starting ${o.addresses.length} nodes (${cluster.routes.join(', ')})`);
    const starting = performance.now();
    await cluster.start();
    const startMs = performance.now() - starting;
    const history = new HistoryWriter(historyFile);
    const { log: _log, ...recorded } = o;
    history.add({ type: 'run', seed: o.seed, startedAt: new Date().toISOString(), nodes: cluster.routes, putMap, casMap, options: recorded });
    const t0 = performance.now();
    const rng = new Rng(o.seed);
    const workload = new Workload(cluster.clients, history, rng, { putMap, casMap, sharedKeys: o.sharedKeys, loops: ['put', 'cas'], pauseMs: o.pauseMs }, t0);
    const nemesis = new Nemesis(cluster, history, rng, { holdMs: o.holdMs, noticeTimeoutMs: 20_000, safeTimeoutMs: 90_000 }, t0);
    await workload.seed();
    workload.start();
    try {
      for (const fault of schedule(o, rng, t0)) {
        await delay(o.quietMs); // fault-free load between faults
        log(`fault ${fault}`);
        const ms = await nemesis.run(fault);
        log(`  healed; cluster safe after ${Math.round(ms)} ms`);
      }
      await delay(o.quietMs);
    } catch (err) {
      log(`fault schedule ended: ${(err as Error).message}`);
    } finally {
      await workload.stop();
    }
    await cluster.waitSafe(cluster.indices(), 90_000).catch((err: Error) => log(`final read without cluster safe: ${err.message}`));
    for (const map of [putMap, casMap]) await workload.finalRead(cluster.clients[0]!, map);
    history.add({ type: 'end', time: performance.now() - t0 });
    const report = checkHistory(history.records);
    writeFileSync(reportFile, `${JSON.stringify(report, null, 1)}\n`);
    return { historyFile, reportFile, report, startMs };
  } finally {
    await cluster.stop(join(o.outDir, 'nodes'));
    net.close();
  }
}
