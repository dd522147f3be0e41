import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { BundleState, defineBundle, property } from '../../core/bundle.js';
import { extensionPoint } from '../../core/extensionPoint.js';
import { serviceToken } from '../../core/serviceToken.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

const A = serviceToken<{ a: string }>('test.life.a');
const B = serviceToken<{ b: string }>('test.life.b');
const NOTES = extensionPoint<string>('test.life.notes');

let running: TestKernel | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const states = (t: TestKernel) => Object.fromEntries(t.kernel.bundles().map((b) => [b.name, b.state]));

// base <- mid <- top, base <- side, base <- legacy (list form, optional), other stands alone.
const base = defineBundle({ name: 'base', version: '1', provides: [A], deps: {}, start(_, ctx) { ctx.register(A, { a: 'a' }); } });
const mid = defineBundle({ name: 'mid', version: '1', provides: [B], deps: { a: A }, start({ a }, ctx) { ctx.register(B, { b: a.a }); } });
const top = defineBundle({ name: 'top', version: '1', deps: { b: B }, start() {} });
const side = defineBundle({ name: 'side', version: '1', deps: { a: A }, start() {} });
const legacy = defineBundle({ name: 'legacy', version: '1', optionalRequires: [A], start(ctx) { ctx.getOptional(A); } });
const other = defineBundle({ name: 'other', version: '1', deps: {}, start() {} });
const family = [top, side, legacy, other, mid, base];

describe('runtime life cycle', () => {
  it('stops the dependents of a bundle first, deepest first, and says which', async () => {
    running = await startTestKernel({ bundles: family });
    const result = await running.kernel.stopBundle('base');
    assert.equal(result.stopped.at(-1), 'base');
    assert.deepEqual([...result.stopped].sort(), ['base', 'legacy', 'mid', 'side', 'top']);
    assert.ok(result.stopped.indexOf('top') < result.stopped.indexOf('mid'), result.stopped.join(','));
    assert.deepEqual(states(running), { top: 'RESOLVED', side: 'RESOLVED', legacy: 'RESOLVED', other: 'ACTIVE', mid: 'RESOLVED', base: 'RESOLVED' });
    assert.match(running.kernel.bundles().find((b) => b.name === 'mid')?.reason ?? '', /stopped with "base"/);
    assert.ok(running.logs.some((l) => /stopping bundle base: first its dependents .*top.*which require its services/.test(l)), running.logs.join('\n'));
    assert.equal(running.kernel.registry.has(A.key), false);
    assert.equal(running.kernel.registry.has(B.key), false);
  });

  it('starting it again brings its dependents back, except one an operator stopped by hand', async () => {
    running = await startTestKernel({ bundles: family });
    await running.kernel.stopBundle('side');
    await running.kernel.stopBundle('base');
    const result = await running.kernel.startBundle('base');
    assert.equal(result.started[0], 'base');
    assert.deepEqual([...result.started].sort(), ['base', 'legacy', 'mid', 'top']);
    assert.ok(result.started.indexOf('mid') < result.started.indexOf('top'));
    assert.equal(states(running).side, BundleState.RESOLVED);
    assert.equal(states(running).top, BundleState.ACTIVE);
    assert.deepEqual((await running.kernel.startBundle('side')).started, ['side']);
  });

  it('restarts a bundle with its dependents and follows OSGi states with events', async () => {
    running = await startTestKernel({ bundles: family });
    const seen: string[] = [];
    running.kernel.events.on('bundleStateChanged', (e) => { if (e.bundle === 'mid') seen.push(e.to); });
    const result = await running.kernel.restartBundle('mid');
    assert.deepEqual(result, { stopped: ['top', 'mid'], started: ['mid', 'top'] });
    assert.deepEqual(seen, ['STOPPING', 'RESOLVED', 'STARTING', 'ACTIVE']);
  });

  it('refuses to start a bundle whose required provider is stopped, naming the service', async () => {
    running = await startTestKernel({ bundles: family });
    await running.kernel.stopBundle('base');
    await assert.rejects(running.kernel.startBundle('mid'), /bundle "mid" cannot start: no ACTIVE bundle provides "test\.life\.a"/);
  });

  it('withdraws the services and contributions of a bundle whose stop throws or hangs, and logs it', async () => {
    const seen: string[] = [];
    const board = defineBundle({
      name: 'board', version: '1', deps: {}, extensionPoints: [NOTES],
      start(_, ctx) { ctx.contributions(NOTES).subscribe({ removed: (c) => seen.push(`${c.bundle}:${c.item}`) }); },
    });
    const thrower = defineBundle({
      name: 'thrower', version: '1', provides: [A], deps: {},
      start(_, ctx) { ctx.register(A, { a: 't' }); ctx.contribute(NOTES, 'from thrower'); },
      stop() { throw new Error('disk on fire'); },
    });
    // A stop that waits on something that never comes (a ref'd timer, as a socket would be).
    let hang: NodeJS.Timeout | undefined;
    const hanger = defineBundle({
      name: 'hanger', version: '1', provides: [B], deps: {}, stopTimeoutMs: 200,
      start(_, ctx) { ctx.register(B, { b: 'h' }); ctx.contribute(NOTES, 'from hanger'); },
      stop: () => new Promise<void>((resolve) => { hang = setTimeout(resolve, 60_000); }),
    });
    running = await startTestKernel({ bundles: [board, thrower, hanger] });
    await running.kernel.stopBundle('thrower');
    await running.kernel.stopBundle('hanger');
    clearTimeout(hang);
    assert.deepEqual(seen, ['thrower:from thrower', 'hanger:from hanger']);
    assert.equal(running.kernel.registry.has(A.key), false);
    assert.equal(running.kernel.registry.has(B.key), false);
    assert.equal(states(running).thrower, BundleState.RESOLVED);
    assert.match(running.kernel.bundles().find((b) => b.name === 'thrower')?.reason ?? '', /stop\(\) failed: disk on fire/);
    assert.ok(running.logs.some((l) => /error: bundle thrower did not stop cleanly: disk on fire/.test(l)));
    assert.ok(running.logs.some((l) => /error: bundle hanger did not stop cleanly: stop\(\) did not return within 200 ms/.test(l)));
  });

  it('lets an optional dependency appear and disappear under a running bundle', async () => {
    const tracked: (string | undefined)[] = [];
    let live: () => string | undefined = () => 'never started';
    const watcher = defineBundle({
      name: 'watcher', version: '1', deps: {}, optionalDeps: { a: A },
      start(services, ctx) {
        live = () => services.a?.a;
        ctx.track(A, (service) => tracked.push(service?.a));
      },
    });
    running = await startTestKernel({ bundles: [watcher, base], config: { 'kernel.bundles.base.enabled': 'false' } });
    assert.deepEqual(tracked, [undefined]);
    assert.deepEqual(await running.kernel.startBundle('base'), { stopped: [], started: ['base'] });
    assert.deepEqual(tracked, [undefined, 'a']);
    assert.equal(live(), 'a');
    assert.deepEqual(await running.kernel.stopBundle('base'), { stopped: ['base'], started: [] });
    assert.deepEqual(tracked, [undefined, 'a', undefined]);
    assert.equal(live(), undefined);
    assert.equal(states(running).watcher, BundleState.ACTIVE);
  });

  it('fails to start a bundle whose configuration became invalid, with file:line, the rest untouched', async () => {
    const configured = defineBundle({
      name: 'configured', version: '1', deps: {},
      config: { 'test.life.port': property({ doc: 'a port', format: 'port', default: 80 }) },
      start() {},
    });
    running = await startTestKernel({ bundles: [configured, other], config: { 'test.life.port': '8080' } });
    running.writeConfig({ 'test.life.port': 'ninety' });
    const reload = await running.kernel.reloadConfig();
    assert.equal(reload.refused[0]?.bundle, 'configured');
    const result = await running.kernel.restartBundle('configured');
    assert.deepEqual(result, { stopped: ['configured'], started: [] });
    const info = running.kernel.bundles().find((b) => b.name === 'configured')!;
    assert.equal(info.state, BundleState.FAILED);
    assert.match(info.reason ?? '', /^test\.properties:1 test\.life\.port: /);
    assert.equal(states(running).other, BundleState.ACTIVE);
  });
});
