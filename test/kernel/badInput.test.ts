import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { customBundleFolder, esmPackage } from '../support/customBundles.js';
import { health, on } from '../support/kernelNode.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

const cleanups: (() => void)[] = [];
afterEach(async () => killAll());
after(() => cleanups.forEach((c) => c()));

describe('bad input on the command line and in config', () => {
  it('an unknown CLI option is refused with one line naming it', async () => {
    const r = await runOxk(['start', '--no-such-option']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown option '--no-such-option'/);
  });

  it('config check prints file:line key: reason and exits non-zero; the node refuses to start', async () => {
    const config = tempConfig({ 'zz-bad.properties': 'com.openexchange.connector.networkListenerPort=http\ncom.openexchange.server.backendRoute=OX 1\n' });
    cleanups.push(config.remove);
    const check = await runOxk(['config', 'check', '--config', config.dir]);
    assert.equal(check.code, 2);
    assert.match(check.stdout, /^zz-bad\.properties:1 com\.openexchange\.connector\.networkListenerPort: /m);
    assert.match(check.stdout, /^zz-bad\.properties:2 com\.openexchange\.server\.backendRoute: must be a non-empty route/m);
    const start = await runOxk(['start', '--config', config.dir]);
    assert.equal(start.code, 2);
    assert.match(start.stderr, /refusing to start: 2 configuration problem/);
    const shared = await runOxk(['config', 'check', '--config', config.dir, '--set', 'com.openexchange.sessiond.sessionLongLifeTime=soon']);
    assert.equal(shared.stdout.split('\n').filter((l) => l.includes('sessionLongLifeTime')).length, 1, 'a key two bundles declare is reported once');
    const ok = await runOxk(['config', 'check', '--config', config.dir, '--set', 'com.openexchange.connector.networkListenerPort=8010', '--set', 'com.openexchange.server.backendRoute=OX1']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('oxk bundles shows DISABLED bundles and names an unknown bundle in kernel.bundles.*', async () => {
    const config = tempConfig({ 'zz-switches.properties': 'kernel.bundles.http.enabled=false\nkernel.bundles.no-such-bundle.enabled=true\n' });
    cleanups.push(config.remove);
    const r = await runOxk(['bundles', '--config', config.dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { bundles: { name: string; state: string }[]; warnings: string[] };
    assert.equal(out.bundles.find((b) => b.name === 'http')?.state, 'DISABLED');
    assert.ok(out.warnings.some((w) => /zz-switches\.properties:2 kernel\.bundles\.no-such-bundle\.enabled: there is no bundle named "no-such-bundle"/.test(w)), out.warnings.join('\n'));
  });

  it('broken custom bundles are named one line each; the rest of the node keeps working', async () => {
    const config = tempConfig();
    const bundles = customBundleFolder({
      examples: true,
      bundles: {
        'no-package': { files: { 'index.js': 'export default {}' } },
        'bad-json': { packageJson: '{ not json', files: {} },
        'no-default': { packageJson: esmPackage('no-default'), files: { 'index.js': 'export const x = 1;\n' } },
        'zz-duplicate': { packageJson: esmPackage('dup'), files: { 'index.js': "export default { name: 'greeter', version: '9', start() {} };\n" } },
        thrower: { packageJson: esmPackage('thrower'), files: { 'index.js': "export default { name: 'thrower', version: '1', start() { throw new Error('database unreachable'); } };\n" } },
        hanger: { packageJson: esmPackage('hanger'), files: { 'index.js': "export default { name: 'hanger', version: '1', startTimeoutMs: 1500, start() { return new Promise(() => {}); } };\n" } },
      },
    });
    cleanups.push(config.remove, bundles.remove);
    const node = new NodeProcess({ configDir: config.dir, set: { ...on('127.0.1.21', 'OXK21'), 'kernel.bundles.path': bundles.dir }, label: 'k21' });
    await node.ready();
    const out = node.output();
    assert.match(out, /custom bundle folder \S*no-package: no valid package\.json/);
    assert.match(out, /custom bundle folder \S*bad-json: no valid package\.json/);
    assert.match(out, /custom bundle folder \S*no-default: the module has no default export/);
    assert.match(out, /bundle name "greeter" is defined twice \(\S*greeter and \S*zz-duplicate\)/);
    assert.match(out, /bundle thrower FAILED to start: database unreachable/);
    assert.match(out, /bundle hanger FAILED to start: start\(\) did not return within 1500 ms/);
    const h = await health('127.0.1.21');
    assert.equal(h.status, 503);
    assert.equal(h.body.status, 'DOWN');
    assert.equal(h.body.bundles.thrower, 'FAILED');
    assert.equal(h.body.bundles['greeting-page'], 'ACTIVE');
    const res = await fetch('http://127.0.1.21:8009/greeting');
    assert.equal(res.status, 200);
  });

  it('a port already in use fails the http bundle with one clear line; bundles that need it are UNRESOLVED, the node runs', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(8009, '127.0.1.22', resolve));
    cleanups.push(() => blocker.close());
    const config = tempConfig();
    const bundles = customBundleFolder({ examples: true });
    cleanups.push(config.remove, bundles.remove);
    const node = new NodeProcess({ configDir: config.dir, set: { ...on('127.0.1.22', 'OXK22'), 'kernel.bundles.path': bundles.dir }, label: 'k22' });
    await node.ready();
    assert.match(node.output(), /bundle http FAILED to start: cannot listen on 127\.0\.1\.22:8009: address already in use/);
    assert.match(node.output(), /bundle greeting-page is UNRESOLVED: required service "http" is unavailable/);
    assert.match(node.output(), /\[greeter@OXK22\] greeter ready/);
    assert.ok(node.running);
    await node.stop();
    assert.equal(node.exitCode, 0);
  });
});
