import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const loop = fileURLToPath(new URL('../support/kernelHeapLoop.js', import.meta.url));

/** Heap growth in bytes over `cycles`, measured after full GCs in a child process of its own. */
function growth(mode: 'kernels' | 'restarts', warmUp: number, cycles: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', loop, mode, String(warmUp), String(cycles)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return (JSON.parse(out.trim().split('\n').pop()!) as { growth: number }).growth;
}

const MiB = 1 << 20;

describe('kernel life cycle: nothing outlives a stopped kernel or a stopped bundle run', () => {
  it('2000 kernels started, restarting a bundle and stopped back to back (a fuzz run) grow the heap by less than 4 MiB', () => {
    // Each kernel logs ~15 lines; one kept alive costs ~25 KB, so a leak shows as ~50 MB here.
    const bytes = growth('kernels', 200, 2000);
    assert.ok(bytes < 4 * MiB, `heap grew by ${(bytes / MiB).toFixed(1)} MiB over 2000 kernels`);
  });

  it('5000 run-time restarts of a bundle and its dependents in one kernel grow the heap by less than 4 MiB', () => {
    // A restart makes three contexts, containers, registrations and listeners; one run kept alive would be several MB.
    const bytes = growth('restarts', 500, 5000);
    assert.ok(bytes < 4 * MiB, `heap grew by ${(bytes / MiB).toFixed(1)} MiB over 5000 restarts`);
  });
});
