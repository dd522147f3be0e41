import { BASELINE_TARGET, fuzzTargets, runFuzzTarget } from '../fuzz/fuzzRunner.js';
import type { BenchRow } from './benchRow.js';

const RUNS = 100_000;
const PEER = 'fast-check alone (strings, no work)';

/** The most telling line of a failed target's output: its counterexample, else the first error, else its last line. */
function failureLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('Counterexample:')) ?? lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? 'failed';
}

/** One row per fuzz target (`dist/test/fuzz/*.test.js`): cases per second at OXK_FUZZ_RUNS=100000; a failing target fails its row. */
export async function run(): Promise<BenchRow[]> {
  const baseline = await runFuzzTarget(BASELINE_TARGET, RUNS);
  if (!baseline.ok) throw new Error(`the baseline fuzz target failed:\n${baseline.failure ?? ''}`);
  const peerValue = baseline.cases / (baseline.ms / 1000);
  const rows: BenchRow[] = [];
  for (const path of fuzzTargets()) {
    const r = await runFuzzTarget(path, RUNS);
    const note = `${r.cases.toLocaleString('en-US')} cases in ${(r.ms / 1000).toFixed(1)} s`;
    rows.push(r.ok
      ? { name: `${r.target}: cases per second`, value: r.cases / (r.ms / 1000), unit: 'cases/s', peer: PEER, peerValue, note }
      : { name: `${r.target}: cases per second`, value: Number.NaN, unit: 'cases/s', failed: failureLine(r.failure ?? ''), note });
  }
  return rows;
}
