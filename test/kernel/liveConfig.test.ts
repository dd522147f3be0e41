import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type ConfigChange, defineBundle, property } from '../../core/bundle.js';
import { loadTestKernel, startTestKernel, type TestKernel } from '../support/testKernel.js';

let running: TestKernel | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function tuner() {
  const updates: ConfigChange[][] = [];
  const heard: ConfigChange[][] = [];
  const startedWithPort: number[] = [];
  const bundle = defineBundle({
    name: 'tuner', version: '1', deps: {}, namespaces: ['test.tuner.'],
    config: {
      'test.tuner.level': property({ doc: 'level', format: 'nat', default: 1, reloadable: true }),
      'test.tuner.secret': property({ doc: 'secret', format: 'String', default: 'initial-secret', reloadable: true, sensitive: true }),
      'test.tuner.port': property({ doc: 'port', format: 'port', default: 8000 }),
    },
    validate(config) {
      return config.get('test.tuner.level') > 100 ? [`${config.origin('test.tuner.level')} test.tuner.level: must be at most 100`] : [];
    },
    start(_, ctx) {
      startedWithPort.push(ctx.config.get('test.tuner.port'));
      ctx.config.onChange((changes) => heard.push([...changes]));
    },
    updated(changes) {
      if (changes.some((c) => c.to === 13)) throw new Error('13 brings bad luck');
      updates.push([...changes]);
    },
  });
  return { bundle, updates, heard, startedWithPort };
}

describe('live configuration', () => {
  it('hands a reloadable change to the running bundle and logs old and new value', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.level': '3' } });
    const report = await running.kernel.setConfig('test.tuner.level', '5');
    assert.deepEqual(report, { applied: [{ bundle: 'tuner', key: 'test.tuner.level', from: '3', to: '5' }], refused: [], restarted: [] });
    assert.deepEqual(t.updates, [[{ key: 'test.tuner.level', from: 3, to: 5 }]]);
    assert.deepEqual(t.heard, t.updates);
    assert.ok(running.logs.some((l) => l.startsWith('info: config test.tuner.level: 3 -> 5 (bundle tuner, setConfig')), running.logs.join('\n'));
  });

  it('masks sensitive values in the log and the report', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle] });
    const report = await running.kernel.setConfig('test.tuner.secret', 'new-secret');
    assert.deepEqual(report.applied, [{ bundle: 'tuner', key: 'test.tuner.secret', from: '****', to: '****' }]);
    assert.equal(t.updates[0][0].to, 'new-secret');
    assert.ok(!running.logs.some((l) => l.includes('secret') && (l.includes('new-secret') || l.includes('initial-secret'))));
  });

  it('refuses a change of a property that is not reloadable, naming the bundle to restart, or restarts it when asked', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.port': '8001' } });
    const refused = await running.kernel.setConfig('test.tuner.port', '8002');
    assert.deepEqual(refused.applied, []);
    assert.match(refused.refused[0].reason, /test\.tuner\.port is not reloadable: restart bundle "tuner"/);
    assert.deepEqual(t.startedWithPort, [8001]);

    const restarted = await running.kernel.setConfig('test.tuner.port', '8002', { restart: true });
    assert.deepEqual(restarted.restarted, ['tuner']);
    assert.deepEqual(t.startedWithPort, [8001, 8002]);
    assert.deepEqual(t.updates, []);
  });

  it('refuses a bad value or one the validate hook rejects, and the old value stays', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.level': '3' } });
    const bad = await running.kernel.setConfig('test.tuner.level', 'loud');
    assert.match(bad.refused[0].reason, /setConfig test\.tuner\.level: must be a positive integer/);
    const tooHigh = await running.kernel.setConfig('test.tuner.level', '101');
    assert.match(tooHigh.refused[0].reason, /setConfig test\.tuner\.level: must be at most 100/);
    assert.deepEqual(t.updates, []);
    // The bundle keeps 3: a valid change is reported as 3 -> 4.
    assert.deepEqual((await running.kernel.setConfig('test.tuner.level', '4')).applied[0], { bundle: 'tuner', key: 'test.tuner.level', from: '3', to: '4' });
  });

  it('rolls a change back when the bundle\'s updated hook throws', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.level': '3' } });
    const report = await running.kernel.setConfig('test.tuner.level', '13');
    assert.deepEqual(report.applied, []);
    assert.deepEqual(report.refused, [{ bundle: 'tuner', key: 'test.tuner.level', reason: 'bundle "tuner" refused the change: 13 brings bad luck' }]);
    assert.deepEqual(t.heard, []);
    assert.deepEqual((await running.kernel.setConfig('test.tuner.level', '4')).applied[0], { bundle: 'tuner', key: 'test.tuner.level', from: '3', to: '4' });
  });

  it('re-reads the files on reloadConfig: applies reloadable changes, refuses bad values with file:line', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.level': '3' } });
    running.writeConfig({ 'test.tuner.level': '7' });
    assert.deepEqual((await running.kernel.reloadConfig()).applied, [{ bundle: 'tuner', key: 'test.tuner.level', from: '3', to: '7' }]);
    running.writeConfig({ 'test.tuner.level': '-2' });
    const report = await running.kernel.reloadConfig();
    assert.deepEqual(report.applied, []);
    assert.match(report.refused[0].reason, /test\.properties:1 test\.tuner\.level: must be a positive integer/);
    assert.deepEqual(t.updates.map((u) => u[0].to), [7]);
  });

  it('refuses kernel properties and names unknown keys', async () => {
    const t = tuner();
    running = await startTestKernel({ bundles: [t.bundle] });
    assert.match((await running.kernel.setConfig('kernel.bundles.path', '/tmp')).refused[0].reason, /restart the node/);
    await assert.rejects(running.kernel.setConfig('test.tuner.levle', '3'), /no bundle declares property test\.tuner\.levle/);
  });

  it('runs the validate hook at start: the node refuses with file:line key: reason', async () => {
    const t = tuner();
    await assert.rejects(
      startTestKernel({ bundles: [t.bundle], config: { 'test.tuner.port': '8001', 'test.tuner.level': '500' } }),
      /refusing to start: test\.properties:2 test\.tuner\.level: must be at most 100/,
    );
  });

  it('warns of unknown keys in a bundle\'s namespace with file:line and the closest known key', async () => {
    const t = tuner();
    running = await loadTestKernel({ bundles: [t.bundle], config: { 'test.tuner.level': '2', 'test.tuner.prot': '8001', 'test.other.x': '1', 'kernel.bundle.path': '/tmp' } });
    assert.deepEqual(running.kernel.warnings, [
      'test.properties:2 test.tuner.prot: unknown property in the namespace of bundle "tuner"; did you mean test.tuner.port?',
      'test.properties:4 kernel.bundle.path: unknown property in the namespace of the kernel; did you mean kernel.bundles.path?',
    ]);
    assert.deepEqual(running.kernel.problems, []);
  });

  it('makes a key declared by two bundles an error naming both', async () => {
    const spec = { doc: 'shared', format: 'String' as const, default: '' };
    const one = defineBundle({ name: 'one', version: '1', deps: {}, config: { 'test.shared.key': property(spec) }, start() {} });
    const two = defineBundle({ name: 'two', version: '1', deps: {}, config: { 'test.shared.key': property(spec) }, start() {} });
    running = await loadTestKernel({ bundles: [one, two] });
    assert.deepEqual(running.kernel.problems, ['property test.shared.key is declared by "one" and "two": a property has one owning bundle']);
  });
});
