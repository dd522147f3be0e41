import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './benchRow.js';

const here = dirname(fileURLToPath(import.meta.url));
const helpers = new Set(['run.js', 'benchRow.js', 'callLoad.js', 'nodeMemory.js', 'migrationRows.js', 'procCpu.js']);

function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

function printTable(rows: (BenchRow & { suite: string })[]): void {
  const header = ['suite', 'benchmark', 'value', 'unit', 'peer', 'peer value', 'ratio', 'note'];
  const lines = rows.map((r) => [
    r.suite, r.name, r.failed ? 'FAILED' : format(r.value), r.unit, r.peer ?? '', r.peerValue === undefined ? '' : format(r.peerValue),
    r.peerValue && !r.failed ? `${(r.value / r.peerValue).toFixed(2)}x` : '', r.failed ? `${r.failed} ${r.note ?? ''}`.trim() : r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const out = [header, widths.map((w) => '-'.repeat(w)), ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd());
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Runs every `scripts/bench/*.js` (or those named on the command line) and prints one table. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(here).filter((f) => f.endsWith('.js') && !helpers.has(f)).sort()
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.js$/, '')));
  const rows: (BenchRow & { suite: string })[] = [];
  let failed = 0;
  for (const file of files) {
    const suite = file.replace(/\.js$/, '');
    process.stderr.write(`running ${suite} ...\n`);
    try {
      const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
      for (const row of await mod.run()) {
        rows.push({ ...row, suite });
        if (row.failed) failed++;
      }
    } catch (err) {
      failed++;
      rows.push({ suite, name: 'FAILED', value: Number.NaN, unit: '', note: (err as Error).message.split('\n')[0] });
    }
  }
  printTable(rows);
  process.stdout.write('Ratios compare with a peer measured in the same run; absolute figures vary on shared machines.\n');
  if (failed) process.exitCode = 1;
}

await main();
