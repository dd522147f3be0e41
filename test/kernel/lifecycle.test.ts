import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { customBundleFolder } from '../support/customBundles.js';
import { health, on } from '../support/kernelNode.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

const cleanups: (() => void)[] = [];
afterEach(async () => killAll());
after(() => cleanups.forEach((c) => c()));

describe('a node started with oxk start', () => {
  it('becomes healthy, and on SIGTERM stops its bundles in reverse start order and exits 0', async () => {
    const config = tempConfig();
    cleanups.push(config.remove);
    const node = new NodeProcess({ configDir: config.dir, set: on('127.0.1.11', 'OXK1'), label: 'k1' });
    await node.ready();
    const h = await waitFor('/health 200', async () => { const r = await health('127.0.1.11'); return r.status === 200 && r; });
    assert.equal(h.body.status, 'UP');
    assert.ok(Object.values(h.body.bundles).every((s) => s === 'ACTIVE' || s === 'DISABLED'), JSON.stringify(h.body.bundles));
    assert.equal(h.body.bundles.http, 'ACTIVE');

    node.signal('SIGTERM');
    assert.equal(await node.waitForExit(), 0);
    const started = node.lines.map((l) => /starting bundle (\S+)/.exec(l)?.[1]).filter(Boolean);
    const stopped = node.lines.map((l) => /stopping bundle (\S+)/.exec(l)?.[1]).filter(Boolean);
    assert.ok(started.length >= 1);
    assert.deepEqual(stopped, [...started].reverse());
    assert.match(node.output(), /node stopped/);
  });

  it('loads custom bundles from kernel.bundles.path; one uses the other\'s service over HTTP', async () => {
    const config = tempConfig();
    const bundles = customBundleFolder({ examples: true });
    cleanups.push(config.remove, bundles.remove);
    const node = new NodeProcess({
      configDir: config.dir,
      set: { ...on('127.0.1.12', 'OXK2'), 'kernel.bundles.path': bundles.dir, 'example.greeter.salutation': 'Servus' },
      label: 'k2',
    });
    await node.ready();
    const h = await health('127.0.1.12');
    assert.equal(h.body.bundles.greeter, 'ACTIVE');
    assert.equal(h.body.bundles['greeting-page'], 'ACTIVE');
    const res = await fetch('http://127.0.1.12:8009/greeting?name=Ada');
    assert.deepEqual(await res.json(), { text: 'Servus, Ada! (from OXK2)' });
    await node.stop();
    assert.equal(node.exitCode, 0);
    assert.match(node.output(), /\[greeter@OXK2\] greeter stopped/);
  });

  it('a second SIGINT forces the exit while a bundle is slow to stop', async () => {
    const config = tempConfig();
    const bundles = customBundleFolder({
      bundles: {
        sluggish: {
          packageJson: JSON.stringify({ name: 'sluggish', type: 'module', main: 'index.js' }),
          files: { 'index.js': "export default { name: 'sluggish', version: '1', stopTimeoutMs: 60000, start() {}, stop(ctx) { ctx.logger.info('slow stop begins'); return new Promise(() => {}); } };\n" },
        },
      },
    });
    cleanups.push(config.remove, bundles.remove);
    const node = new NodeProcess({ configDir: config.dir, set: { ...on('127.0.1.13', 'OXK3'), 'kernel.bundles.path': bundles.dir }, label: 'k3' });
    await node.ready();
    node.signal('SIGINT');
    await node.waitForLine(/slow stop begins/);
    node.signal('SIGINT');
    assert.equal(await node.waitForExit(), 1);
    assert.match(node.output(), /second SIGINT: forcing exit/);
  });
});
