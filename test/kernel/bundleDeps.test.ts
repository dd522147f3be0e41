import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { BundleState, defineBundle } from '../../core/bundle.js';
import { KERNEL_SERVICE } from '../../core/kernelService.js';
import { serviceToken } from '../../core/serviceToken.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

interface Clock { now(): number }
interface Counter { count(): number }
const CLOCK = serviceToken<Clock>('test.deps.clock');
const COUNTER = serviceToken<Counter>('test.deps.counter');

let running: TestKernel | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const clockBundle = (name = 'clock', value = 42) => defineBundle({ name, version: '1', provides: [CLOCK], deps: {}, start(_, ctx) { ctx.register(CLOCK, { now: () => value }); } });

// Never started: these manifests only have to compile, or fail to compile where marked.
export const typeChecks = [
  defineBundle({
    name: 'typed', version: '1', deps: { clock: CLOCK }, optionalDeps: { counter: COUNTER },
    start({ clock, counter }) {
      const n: number = clock.now();
      // @ts-expect-error an optional dependency may be undefined
      counter.count();
      // @ts-expect-error a Clock has no count()
      clock.count();
      return void (n + (counter?.count() ?? 0));
    },
  }),
  defineBundle({
    name: 'misnamed', version: '1', deps: { clock: CLOCK },
    // @ts-expect-error no dependency is named clok
    start({ clok }) { return clok; },
  }),
  defineBundle({
    name: 'mistyped', version: '1', deps: { clock: CLOCK },
    // @ts-expect-error the parameter's type does not match the declared token's service
    start({ clock }: { clock: Counter }) { clock.count(); },
  }),
];

describe('the deps manifest form', () => {
  it('hands start() the declared services by name, typed from the tokens, providers first', async () => {
    const seen: unknown[] = [];
    const user = defineBundle({
      name: 'user', version: '1', deps: { clock: CLOCK }, optionalDeps: { counter: COUNTER },
      start({ clock, counter }, ctx) { seen.push(clock.now(), counter, ctx.get(CLOCK).now()); },
    });
    running = await startTestKernel({ bundles: [user, clockBundle('clock', 7)] });
    assert.deepEqual(seen, [7, undefined, 7]);
    assert.deepEqual(running.kernel.bundles().map((b) => [b.name, b.state]), [['user', 'ACTIVE'], ['clock', 'ACTIVE']]);
    const starts = running.logs.filter((l) => l.includes('starting bundle')).map((l) => /starting bundle (\S+)/.exec(l)?.[1]);
    assert.deepEqual(starts, ['clock', 'user']);
  });

  it('leaves a bundle UNRESOLVED when a dependency has no provider, naming the service', async () => {
    const user = defineBundle({ name: 'needy', version: '1', deps: { counter: COUNTER }, start() {} });
    running = await startTestKernel({ bundles: [user] });
    const info = running.kernel.bundles().find((b) => b.name === 'needy')!;
    assert.equal(info.state, BundleState.UNRESOLVED);
    assert.match(info.reason ?? '', /requires service "test\.deps\.counter" which no bundle provides/);
  });

  it('makes two providers of one token a resolution error that names both bundles', async () => {
    const user = defineBundle({ name: 'user', version: '1', deps: { clock: CLOCK }, start() {} });
    running = await startTestKernel({ bundles: [clockBundle('clock-a'), clockBundle('clock-b'), user] });
    const byName = new Map(running.kernel.bundles().map((b) => [b.name, b]));
    for (const name of ['clock-a', 'clock-b']) {
      assert.equal(byName.get(name)?.state, BundleState.UNRESOLVED);
      assert.match(byName.get(name)?.reason ?? '', /service "test\.deps\.clock" is provided by "clock-[ab]" and "clock-[ab]"/);
      assert.match(byName.get(name)?.reason ?? '', /clock-a/);
      assert.match(byName.get(name)?.reason ?? '', /clock-b/);
    }
    assert.equal(byName.get('user')?.state, BundleState.UNRESOLVED);
  });

  it('hands out only declared services: an undeclared token is refused by name', async () => {
    let refusal = '';
    const nosy = defineBundle({
      name: 'nosy', version: '1', deps: {},
      start(_, ctx) {
        try {
          ctx.get(CLOCK);
        } catch (err) {
          refusal = (err as Error).message;
        }
        assert.equal(typeof ctx.get(KERNEL_SERVICE).bundles, 'function');
      },
    });
    running = await startTestKernel({ bundles: [clockBundle(), nosy] });
    assert.match(refusal, /bundle "nosy" asked for service "test\.deps\.clock" without declaring it/);
  });

  it('offers the life-cycle operations to a bundle that depends on the kernel service', async () => {
    const CONSOLE = serviceToken<{ stop(name: string): Promise<unknown> }>('test.deps.console');
    const consoleBundle = defineBundle({
      name: 'console', version: '1', deps: { kernel: KERNEL_SERVICE }, provides: [CONSOLE],
      start({ kernel }, ctx) { ctx.register(CONSOLE, { stop: (name) => kernel.stopBundle(name) }); },
    });
    running = await startTestKernel({ bundles: [consoleBundle, clockBundle()] });
    const console = running.kernel.registry.get<{ stop(name: string): Promise<unknown> }>(CONSOLE.key)!;
    assert.deepEqual(await console.stop('clock'), { stopped: ['clock'], started: [] });
    assert.equal(running.kernel.bundles().find((b) => b.name === 'clock')?.state, BundleState.RESOLVED);
  });

  it('names the known bundles when asked to stop, start or restart one that does not exist', async () => {
    running = await startTestKernel({ bundles: [clockBundle()] });
    for (const op of ['stopBundle', 'startBundle', 'restartBundle'] as const) {
      await assert.rejects(running.kernel[op]('clok'), /there is no bundle named "clok" \(known: clock\)/);
    }
  });
});
