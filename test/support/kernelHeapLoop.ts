import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Bundle, defineBundle } from '../../core/bundle.js';
import { extensionPoint } from '../../core/extensionPoint.js';
import { serviceToken } from '../../core/serviceToken.js';
import { startTestKernel } from './testKernel.js';

/**
 * Run as a child process with `--expose-gc` by `test/kernel/lifecycleHeap.test.ts`:
 * `node --expose-gc kernelHeapLoop.js kernels|restarts <warm-up> <cycles>` prints
 * `{"growth": <bytes>}`, the heap after a full GC following the cycles minus the heap after the warm-up.
 */
const token = (i: number) => serviceToken<{ id: number }>(`heap.loop.s${i}`);
const point = extensionPoint<number>('heap.loop.point');

/** b0 owns a point and provides s0; b1 requires s0 and contributes; b2 requires s1, tracks s0 optionally and follows its config. */
function chain(): Bundle[] {
  return [
    defineBundle({ name: 'b0', version: '1', provides: [token(0)], extensionPoints: [point], start: (ctx) => {
      ctx.register(token(0), { id: 0 });
      ctx.contributions(point).subscribe({ added: () => undefined });
    } }),
    defineBundle({ name: 'b1', version: '1', provides: [token(1)], requires: [token(0)], start: (ctx) => {
      ctx.register(token(1), { id: 1 });
      ctx.contribute(point, 1);
    } }),
    defineBundle({ name: 'b2', version: '1', provides: [token(2)], requires: [token(1)], optionalRequires: [token(0)], start: (ctx) => {
      ctx.register(token(2), { id: 2 });
      ctx.track(token(0), () => undefined);
      ctx.config.onChange(() => undefined);
    } }),
  ];
}

function heapAfterFullGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('kernelHeapLoop needs node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Whole kernels, back to back with no I/O in between (as a fuzz run drives them). */
async function kernelCycle(): Promise<void> {
  const t = await startTestKernel({ bundles: chain() });
  try {
    await t.kernel.restartBundle('b0');
  } finally {
    await t.stop();
  }
}

async function main(): Promise<void> {
  const [mode, warmUp, cycles] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  if (mode === 'kernels') {
    for (let i = 0; i < warmUp; i++) await kernelCycle();
    const before = heapAfterFullGc();
    for (let i = 0; i < cycles; i++) await kernelCycle();
    process.stdout.write(`${JSON.stringify({ growth: heapAfterFullGc() - before })}\n`);
    return;
  }
  if (mode !== 'restarts') throw new Error(`unknown mode "${mode}" (kernels or restarts)`);
  // One long-running kernel whose bundles restart at run time; a live node's event loop turns between restarts.
  const t = await startTestKernel({ bundles: chain() });
  const restart = async () => {
    await t.kernel.restartBundle('b0');
    t.logs.length = 0; // the harness keeps every line for assertions; the kernel itself must keep nothing
    await nextTurn();
  };
  try {
    for (let i = 0; i < warmUp; i++) await restart();
    const before = heapAfterFullGc();
    for (let i = 0; i < cycles; i++) await restart();
    process.stdout.write(`${JSON.stringify({ growth: heapAfterFullGc() - before })}\n`);
  } finally {
    await t.stop();
  }
}

await main();
