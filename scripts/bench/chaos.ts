import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANOMALY_KINDS } from '../../test/support/chaos/checker.js';
import { FAULTS } from '../../test/support/chaos/history.js';
import { formatReport } from '../../test/support/chaos/reportTable.js';
import { runChaos } from '../../test/support/chaos/runChaos.js';
import { type BenchRow, median } from './benchRow.js';

// The chaos run as a benchmark, on 127.0.16.11-.15 in a private network namespace: each fault once,
// or for OXK_CHAOS_MINUTES minutes (faults repeated in seeded order). OXK_CHAOS_SEED picks the seed.
export async function run(): Promise<BenchRow[]> {
  const minutes = Number(process.env.OXK_CHAOS_MINUTES ?? 0);
  const seed = Number(process.env.OXK_CHAOS_SEED ?? 18);
  const outDir = mkdtempSync(join(tmpdir(), 'oxk-bench-chaos-'));
  const result = await runChaos({
    addresses: [1, 2, 3, 4, 5].map((i) => `127.0.16.1${i}`), faults: [...FAULTS], durationMs: minutes > 0 ? minutes * 60_000 : undefined,
    seed, outDir, backupCount: 1, sharedKeys: 8, holdMs: 5000, quietMs: 2000, pauseMs: 10,
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  const { report } = result;
  process.stderr.write(`${formatReport(report, 5)}\nchaos history: ${result.historyFile}\n`);
  const rows: BenchRow[] = [
    { name: 'faults injected', value: report.faults.length, unit: 'faults', note: `seed ${seed}; ${report.problems.length} problems` },
    { name: 'operations', value: report.ops.total, unit: 'ops', note: `ok ${report.ops.ok}, failed ${report.ops.fail}, indeterminate ${report.ops.info}, refused ${report.ops.refused}` },
  ];
  for (const fault of FAULTS) {
    const windows = report.faults.filter((f) => f.fault === fault);
    if (windows.length === 0) continue;
    const safe = windows.map((w) => w.safeAfterMs).filter((ms): ms is number => ms !== undefined);
    const lost = report.byFault[fault]!;
    rows.push({
      name: `${fault}: heal to cluster safe`, value: safe.length ? median(safe) : Number.NaN, unit: 'ms',
      peer: 'start to cluster safe', peerValue: result.startMs,
      note: `${windows.length}x; ${ANOMALY_KINDS.map((k) => `${k} ${lost[k]}`).join(', ')}${safe.length < windows.length ? `; ${windows.length - safe.length} never safe` : ''}`,
    });
  }
  return rows;
}
