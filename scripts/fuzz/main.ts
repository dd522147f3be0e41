import { BASELINE_TARGET, fuzzTargets, runFuzzTarget } from './fuzzRunner.js';

/** `npm run fuzz`: every fuzz target with OXK_FUZZ_RUNS cases per property (100000 unless set), one line each. */
async function main(): Promise<void> {
  const fromEnv = Number(process.env.OXK_FUZZ_RUNS);
  const runs = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 100_000;
  const only = process.argv.slice(2);
  const targets = fuzzTargets().filter((t) => only.length === 0 || only.some((name) => t.endsWith(`/${name}.test.js`)));
  let failed = 0;
  for (const path of [BASELINE_TARGET, ...targets]) {
    const r = await runFuzzTarget(path, runs);
    const rate = r.ms > 0 ? Math.round(r.cases / (r.ms / 1000)) : 0;
    process.stdout.write(`${r.target}: ${r.ok ? 'ok' : 'FAILED'}, ${r.cases} cases in ${(r.ms / 1000).toFixed(1)} s (${rate} cases/s)\n`);
    if (!r.ok) {
      failed++;
      process.stdout.write(`${r.failure ?? ''}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

await main();
