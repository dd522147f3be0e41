import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Bundle, defineBundle } from '../../core/bundle.js';
import { requiredTokens, staticTokens } from '../../core/dependencies.js';
import { serviceToken, type ServiceToken } from '../../core/serviceToken.js';
import { fuzzOptions } from '../support/fuzz.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

interface Spec { requires: number[]; optional: number[]; listForm: boolean }
type Op = { kind: 'stopBundle' | 'startBundle' | 'restartBundle'; target: number };

const token = (i: number) => serviceToken<{ id: number }>(`fuzz.life.s${i}`);
const name = (i: number) => `b${i}`;

/** Bundle i provides s<i> and may depend on bundles before it (so the graph has no cycle). */
function build(specs: Spec[]): Bundle[] {
  return specs.map((spec, i) => {
    const provides = [token(i)];
    const start = (ctx: { register<T>(t: ServiceToken<T>, s: T): void }) => ctx.register(token(i), { id: i });
    if (spec.listForm) return defineBundle({ name: name(i), version: '1', provides, requires: spec.requires.map(token), optionalRequires: spec.optional.map(token), start });
    const entries = (list: number[]) => Object.fromEntries(list.map((j) => [`s${j}`, token(j)]));
    return defineBundle({ name: name(i), version: '1', provides, deps: entries(spec.requires), optionalDeps: entries(spec.optional), start: (_, ctx) => start(ctx) });
  });
}

const specs = fc.integer({ min: 2, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.record({
  requires: fc.subarray(Array.from({ length: i }, (_, j) => j)),
  optional: fc.subarray(Array.from({ length: i }, (_, j) => j)),
  listForm: fc.boolean(),
}))).map((list) => list.map((s) => ({ ...s, optional: s.optional.filter((j) => !s.requires.includes(j)) }))));

const ops = (n: number) => fc.array(fc.record({ kind: fc.constantFrom('stopBundle' as const, 'startBundle' as const, 'restartBundle' as const), target: fc.nat({ max: n - 1 }) }), { minLength: 1, maxLength: 12 });

function checkInvariants(t: TestKernel, bundles: Bundle[], handStopped: ReadonlySet<number>): void {
  const active = new Set(t.kernel.bundles().filter((b) => b.state === 'ACTIVE').map((b) => b.name));
  bundles.forEach((b, i) => {
    assert.equal(t.kernel.registry.has(token(i).key), active.has(b.name), `s${i} registered iff ${b.name} is ACTIVE`);
    if (!active.has(b.name)) return;
    assert.ok(!handStopped.has(i), `${b.name} was stopped by hand and must not come back on its own`);
    for (const dep of requiredTokens(b)) assert.ok(t.kernel.registry.has(dep.key), `${b.name} is ACTIVE without ${dep.name}`);
  });
}

describe('fuzz: runtime life cycle on random bundle graphs', () => {
  it('keeps every ACTIVE bundle\'s providers ACTIVE, services registered only while ACTIVE, hand-stopped bundles stopped', async () => {
    await fc.assert(fc.asyncProperty(specs.chain((s) => fc.tuple(fc.constant(s), ops(s.length))), async ([spec, sequence]) => {
      const bundles = build(spec);
      const t = await startTestKernel({ bundles });
      try {
        const handStopped = new Set<number>();
        checkInvariants(t, bundles, handStopped);
        for (const op of sequence as Op[]) {
          const wasActive = t.kernel.registry.has(token(op.target).key);
          const ok = await t.kernel[op.kind](name(op.target)).then(() => true, () => false);
          if (op.kind === 'stopBundle') {
            handStopped.add(op.target);
            // Nothing that took s<target> at start (required, or optional in the list form) runs on without it.
            for (const b of wasActive ? bundles : []) {
              const running = t.kernel.bundles().find((x) => x.name === b.name)?.state === 'ACTIVE';
              assert.ok(!running || !staticTokens(b).some((d) => d.key === token(op.target).key), `${b.name} still ACTIVE after ${name(op.target)} stopped`);
            }
          }
          else if (ok) handStopped.delete(op.target);
          if (!ok) {
            // Only a start whose required provider is not ACTIVE is refused.
            assert.notEqual(op.kind, 'stopBundle');
            assert.ok(spec[op.target].requires.some((j) => !t.kernel.registry.has(token(j).key)), `${op.kind} ${name(op.target)} refused with its providers ACTIVE`);
            if (op.kind === 'restartBundle') handStopped.add(op.target);
          } else if (op.kind !== 'stopBundle') {
            assert.ok(t.kernel.registry.has(token(op.target).key), `${name(op.target)} is ACTIVE after ${op.kind}`);
          }
          checkInvariants(t, bundles, handStopped);
        }
      } finally {
        await t.stop();
      }
    }), fuzzOptions());
  });
});
