import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaosCluster } from '../../test/support/chaos/chaosCluster.js';
import { chaosNetwork } from '../../test/support/chaos/chaosNetwork.js';
import { type FaultName, HistoryWriter } from '../../test/support/chaos/history.js';
import { Nemesis } from '../../test/support/chaos/nemesis.js';
import { Rng } from '../../test/support/chaos/rng.js';
import { LatencyWindow, SOAK_KINDS, type SoakKind, SoakLoad } from '../../test/support/chaos/soakLoad.js';
import { type BenchRow, percentile } from './benchRow.js';
import { rssBytes } from './nodeMemory.js';

// Sessions, cache invalidation and maps at a steady load on three nodes (127.0.16.31-.33, in a private
// network namespace) for OXK_SOAK_MINUTES (default 30, the benchmark run's; 2 for a quick look), with a
// kill or a partition every OXK_SOAK_FAULT_MINUTES (default 1), sampled every OXK_SOAK_SAMPLE_SECONDS
// (default 60). Each sample's row is printed as it is taken. OXK_SOAK_TRACE_GC=1 runs the nodes with
// --trace-gc and keeps their logs (the heap after each full collection tells a leak from a heap that grows
// into its limit).
const ADDRS = [1, 2, 3].map((i) => `127.0.16.3${i}`);

interface Sample {
  minute: number;
  rssMiB: (number | undefined)[];
  p99: Partial<Record<SoakKind, number>>;
  ops: number;
  errors: number;
  fault: string;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sample table: its header (with the column widths every row is padded to) and one row per sample. */
class SampleTable {
  private readonly header: string[];

  constructor(routes: string[]) {
    this.header = ['min', ...routes.map((r) => `${r} RSS MiB`), ...SOAK_KINDS.map((k) => `${k} p99 ms`), 'ops', 'errors', 'fault'];
  }

  printHeader(): void {
    this.print([this.header, this.header.map((h) => '-'.repeat(h.length))]);
  }

  printRow(s: Sample): void {
    this.print([[String(s.minute), ...s.rssMiB.map((m) => (m === undefined ? '-' : m.toFixed(0))), ...SOAK_KINDS.map((k) => s.p99[k]?.toFixed(1) ?? '-'), String(s.ops), String(s.errors), s.fault]]);
  }

  private print(rows: string[][]): void {
    const widths = this.header.map((h) => h.length);
    process.stdout.write(rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd()}\n`).join(''));
  }
}

export async function run(): Promise<BenchRow[]> {
  const minutes = Number(process.env.OXK_SOAK_MINUTES ?? 30);
  const faultEveryMs = Number(process.env.OXK_SOAK_FAULT_MINUTES ?? 1) * 60_000;
  const sampleMs = Number(process.env.OXK_SOAK_SAMPLE_SECONDS ?? 60) * 1000;
  const out = mkdtempSync(join(tmpdir(), 'oxk-bench-soak-'));
  const net = await chaosNetwork();
  const traceGc = process.env.OXK_SOAK_TRACE_GC === '1';
  const cluster = new ChaosCluster(net, {
    addresses: ADDRS, routePrefix: 'OXSOAK', maps: ['soak-map'], backupCount: 1, allBundles: true, ...(traceGc ? { nodeFlags: ['--trace-gc'] } : {}),
  });
  const samples: Sample[] = [];
  try {
    await cluster.start();
    const t0 = performance.now();
    const history = new HistoryWriter(join(out, 'nemesis.jsonl'));
    const nemesis = new Nemesis(cluster, history, new Rng(7), { holdMs: 5000, noticeTimeoutMs: 20_000, safeTimeoutMs: 90_000 }, t0);
    const window = new LatencyWindow();
    const load = new SoakLoad(cluster.clients, window, 'soak-map', 20);
    load.start();
    const table = new SampleTable(cluster.routes);
    process.stdout.write(`soak for ${minutes} min, one row per sample:\n`);
    table.printHeader();
    const faults: FaultName[] = ['kill', 'partition-one'];
    let faultsRun = 0;
    let faultNote = '';
    let nextFault = faultEveryMs;
    let nextSample = sampleMs;
    while (performance.now() - t0 < minutes * 60_000) {
      const now = performance.now() - t0;
      if (now >= nextSample) {
        const { samples: lat, errors } = window.take();
        const p99: Sample['p99'] = {};
        let ops = 0;
        for (const [kind, list] of lat) {
          p99[kind] = percentile(list, 99);
          ops += list.length;
        }
        const rssMiB = cluster.nodes.map((n) => (n.running ? rssBytes(n.pid) / 2 ** 20 : undefined));
        samples.push({ minute: Math.round(now / 60_000), rssMiB, p99, ops, errors, fault: faultNote });
        table.printRow(samples[samples.length - 1]!);
        faultNote = '';
        nextSample += sampleMs;
      } else if (now >= nextFault) {
        const fault = faults[faultsRun++ % faults.length]!;
        const safeMs = await nemesis.run(fault);
        faultNote += `${fault} (safe after ${Math.round(safeMs)} ms) `;
        nextFault += faultEveryMs;
      } else {
        await delay(Math.min(nextSample, nextFault) - now); // the soak's clock: next sample or fault
      }
    }
    await load.stop();
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!first || !last) throw new Error(`the soak ran ${minutes} min but took no sample (every ${sampleMs / 1000} s)`);
    const rows: BenchRow[] = SOAK_KINDS.filter((k) => last.p99[k] !== undefined && first.p99[k] !== undefined).map((k) => ({
      name: `${k} p99, last sample`, value: last.p99[k]!, unit: 'ms', peer: 'first sample', peerValue: first.p99[k]!,
    }));
    cluster.routes.forEach((r, i) => {
      if (first.rssMiB[i] !== undefined && last.rssMiB[i] !== undefined) rows.push({ name: `${r} RSS, last sample`, value: last.rssMiB[i]!, unit: 'MiB', peer: 'first sample', peerValue: first.rssMiB[i]!, note: 'a killed node restarts: its RSS starts over' });
    });
    rows.push({ name: 'operations', value: samples.reduce((a, s) => a + s.ops, 0), unit: 'ops', note: `${minutes} min, ${faultsRun} faults (kill, partition-one), ${samples.reduce((a, s) => a + s.errors, 0)} errors` });
    return rows;
  } finally {
    await cluster.stop(traceGc ? join(out, 'nodes') : undefined);
    net.close();
    if (traceGc) process.stderr.write(`soak: node logs with --trace-gc in ${join(out, 'nodes')}\n`);
    else rmSync(out, { recursive: true, force: true });
  }
}
