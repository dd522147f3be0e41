import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** `dist/` of this checkout. */
const dist = join(here, '..', '..');
export const BASELINE_TARGET = join(here, 'baselineTarget.js');
const TIMEOUT_MS = 20 * 60_000;

export interface FuzzResult {
  /** e.g. `propertiesParser`. */
  target: string;
  ok: boolean;
  /** Cases run, summed over the target's properties. */
  cases: number;
  ms: number;
  /** Why it failed: the end of its output. */
  failure?: string;
}

/** Every compiled fuzz target, `dist/test/fuzz/*.test.js`, found at run time (targets come and go). */
export function fuzzTargets(): string[] {
  const dir = join(dist, 'test', 'fuzz');
  return readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f));
}

/** Runs one target in its own process with `OXK_FUZZ_RUNS=runs` and counts the cases its properties ran. */
export async function runFuzzTarget(path: string, runs: number): Promise<FuzzResult> {
  const target = basename(path).replace(/\.test\.js$/, '').replace(/\.js$/, '');
  const scratch = mkdtempSync(join(tmpdir(), 'oxk-fuzz-'));
  const countFile = join(scratch, 'cases');
  try {
    const t0 = performance.now();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', pathToFileURL(join(here, 'countCases.js')).href, '--test-reporter=dot', path], {
        env: { ...process.env, OXK_FUZZ_RUNS: String(runs), OXK_FUZZ_COUNT_FILE: countFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const keep = (c: Buffer) => { output = (output + c.toString()).slice(-20_000); };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => {
        output += `\n${target} did not finish within ${TIMEOUT_MS / 60_000} min (a hang?): killed`;
        child.kill('SIGKILL');
      }, TIMEOUT_MS);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode, output });
      });
    });
    const ms = performance.now() - t0;
    let counted = '';
    try {
      counted = readFileSync(countFile, 'utf8');
    } catch {
      // No property ran: zero cases.
    }
    const cases = counted.split('\n').filter(Boolean).reduce((sum, n) => sum + Number(n), 0);
    return code === 0 ? { target, ok: true, cases, ms } : { target, ok: false, cases, ms, failure: output.trim().split('\n').slice(-40).join('\n') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
