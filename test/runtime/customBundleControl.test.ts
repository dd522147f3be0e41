import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { customBundleFolder, esmPackage } from '../support/customBundles.js';
import { on } from '../support/kernelNode.js';
import { oxkBin } from '../support/paths.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Own addresses: 127.0.18.1 (the node).
const HOST = '127.0.18.1';
const BASE = `http://${HOST}:8009`;
const JOLOKIA = `${BASE}/monitoring/jolokia`;
const CREDENTIALS = ['--url', JOLOKIA, '--user', 'ops', '--password', 'op-secret'];
const MBEAN = 'example.widgets:type=Counter';

// A custom bundle that contributes to every point: a route, a /health section, an MBean, a metric and a CLI command.
const widgetBundle = `import { CLI_COMMANDS, contribution, defineBundle } from 'oxkernel/sdk';
import { HEALTH_SECTIONS, HTTP_ROUTES } from 'oxkernel/bundles/http/api';
import { MBEANS, METRICS } from 'oxkernel/bundles/management/api';
const addWidgetCommand = (program) => program.command('widget-report').description('prints the widget report').action(() => console.log('widgets'));
export default defineBundle({
  name: 'widgets', version: '2.1.0', deps: {},
  contributes: [contribution(CLI_COMMANDS, addWidgetCommand)],
  start(_services, ctx) {
    let served = 0;
    ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/widgets', handler: () => ({ json: { served: ++served } }) });
    ctx.contribute(HEALTH_SECTIONS, { name: 'widgets', section: () => ({ up: true, details: { served }, publicFields: ['served'] }) });
    ctx.contribute(MBEANS, { objectName: '${MBEAN}', mbean: { attributes: [{ name: 'Served', type: 'int', get: () => served }] } });
    ctx.contribute(METRICS, { name: 'widgets_served_total', help: 'widget requests', collect: () => [{ value: served }] });
  },
});
`;

let node: NodeProcess;
const cleanups: (() => void)[] = [];
let configDir = '';

async function widgetsVisible(): Promise<{ route: number; health: boolean; mbean: number; metric: boolean }> {
  const route = (await fetch(`${BASE}/widgets`)).status;
  const health = (await (await fetch(`${BASE}/health`)).json()) as Record<string, unknown>;
  const read = await fetch(`${JOLOKIA}/read/${MBEAN}`, { headers: { authorization: `Basic ${Buffer.from('ops:op-secret').toString('base64')}` } });
  const metrics = await (await fetch(`${BASE}/metrics`)).text();
  return { route, health: 'widgets' in health, mbean: ((await read.json()) as { status: number }).status, metric: /^widgets_served_total /m.test(metrics) };
}

before(async () => {
  const bundles = customBundleFolder({ bundles: { widgets: { packageJson: esmPackage('widgets'), files: { 'index.js': widgetBundle } } } });
  const config = tempConfig({
    'zz-test.properties': `kernel.bundles.path=${bundles.dir}\ncom.openexchange.jolokia.user=ops\ncom.openexchange.jolokia.password=op-secret\n`,
  });
  configDir = config.dir;
  cleanups.push(bundles.remove, config.remove);
  node = new NodeProcess({ configDir, set: on(HOST, 'OXW1'), label: 'widgets' });
  await node.ready();
});

after(async () => {
  await killAll();
  cleanups.forEach((c) => c());
});

describe('a custom bundle controlled on a running node with oxk bundle', () => {
  it('lists the bundle with its state, version, origin and dependencies', async () => {
    const r = await runOxk(['bundle', 'list', '--json', ...CREDENTIALS]);
    assert.equal(r.code, 0, r.stderr);
    const bundles = JSON.parse(r.stdout) as { name: string; state: string; version: string; builtIn: boolean; source: string; requires: string[] }[];
    const widgets = bundles.find((b) => b.name === 'widgets');
    assert.equal(widgets?.state, 'ACTIVE');
    assert.equal(widgets?.version, '2.1.0');
    assert.equal(widgets?.builtIn, false);
    assert.match(widgets?.source ?? '', /oxk-bundles-.*widgets$/);
    assert.deepEqual(bundles.find((b) => b.name === 'login')?.requires, ['sessiond', 'authentication']);
    const table = await runOxk(['bundle', 'list', ...CREDENTIALS]);
    assert.match(table.stdout, /^widgets\s+2\.1\.0\s+ACTIVE\s+\/.*widgets/m);
    assert.match(table.stdout, /^http\s+1\.0\.0\s+ACTIVE\s+built-in/m);
  });

  it('stop withdraws the route (a clear 503), the /health section, the MBean and the metric; start brings them back', async () => {
    assert.deepEqual(await widgetsVisible(), { route: 200, health: true, mbean: 200, metric: true });
    const stop = await runOxk(['bundle', 'stop', 'widgets', ...CREDENTIALS]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /^stopped: widgets$/m);
    const res = await fetch(`${BASE}/widgets`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: 'bundle "widgets" is stopped: /widgets is not available until it is started again', code: 'BUNDLE_STOPPED' });
    assert.deepEqual(await widgetsVisible(), { route: 503, health: false, mbean: 404, metric: false });
    const health = await fetch(`${BASE}/health`);
    const body = (await health.json()) as { status: string; bundles: Record<string, string> };
    assert.deepEqual([health.status, body.status, body.bundles.widgets], [200, 'UP', 'RESOLVED'], 'a bundle stopped by an operator is off on purpose: the node stays UP');

    const start = await runOxk(['bundle', 'start', 'widgets', ...CREDENTIALS]);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /^started: widgets$/m);
    assert.deepEqual(await widgetsVisible(), { route: 200, health: true, mbean: 200, metric: true });
    // One request before the stop and one since the start: a continued run would answer 3, a new one 2.
    assert.deepEqual(await (await fetch(`${BASE}/widgets`)).json(), { served: 2 }, 'a new run of the bundle (its counter began again)');
  });

  it('its CLI command is in oxk --help when its folder is on kernel.bundles.path', async () => {
    const withBundle = await runOxk(['--help'], { env: { OXK_CONFIG: configDir } });
    assert.match(withBundle.stdout, /^\s+widget-report\s+prints the widget report$/m);
    const run = await runOxk(['widget-report'], { env: { OXK_CONFIG: configDir } });
    assert.equal(run.stdout, 'widgets\n');
    const without = await runOxk(['--help']);
    assert.doesNotMatch(without.stdout, /widget-report/);
  });

  it('bad input: an unknown bundle names the known ones, wrong credentials are refused, both exit non-zero', async () => {
    const unknown = await runOxk(['bundle', 'stop', 'widgetz', ...CREDENTIALS]);
    assert.equal(unknown.code, 1);
    const known = /no bundle named "widgetz" on .* \(known: ([^)]*)\)/.exec(unknown.stderr);
    assert.ok(known, unknown.stderr);
    const health = (await (await fetch(`${BASE}/health`)).json()) as { bundles: Record<string, string> };
    assert.deepEqual(known[1]!.split(', '), Object.keys(health.bundles).sort(), 'the known ones are the node\'s bundles');
    const wrong = await runOxk(['bundle', 'stop', 'widgets', '--url', JOLOKIA, '--user', 'ops', '--password', 'guess']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the credentials \(401\)/);
    const none = await runOxk(['bundle', 'list', '--url', JOLOKIA]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /refused the credentials \(401\)/);
    assert.equal((await fetch(`${BASE}/widgets`)).status, 200, 'the refused stop stopped nothing');
  });

  it('config set: a reloadable property applies live, a bad value and a non-reloadable one are refused and the old value stays', async () => {
    const limit = () => fetch(`${JOLOKIA}/read/com.openexchange.sessiond:name=SessionD Toolkit/MaxSession`, { headers: { authorization: `Basic ${Buffer.from('ops:op-secret').toString('base64')}` } })
      .then((r) => r.json() as Promise<{ value: number }>).then((b) => b.value);
    const before = await limit();
    const set = await runOxk(['config', 'set', `com.openexchange.sessiond.maxSession=${before + 7}`, ...CREDENTIALS]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, `com.openexchange.sessiond.maxSession: ${before} -> ${before + 7} (bundle sessiond)\n`);
    assert.equal(await limit(), before + 7);

    const bad = await runOxk(['config', 'set', 'com.openexchange.sessiond.maxSession=many', ...CREDENTIALS]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^refused com\.openexchange\.sessiond\.maxSession \(bundle sessiond\): .*must be a positive integer/m);
    assert.equal(await limit(), before + 7);

    const fixed = await runOxk(['config', 'set', 'com.openexchange.sessiond.tokenLoginTimeout=5s', ...CREDENTIALS]);
    assert.equal(fixed.code, 1);
    assert.match(fixed.stderr, /tokenLoginTimeout is not reloadable: restart bundle "sessiond"/);

    const restarted = await runOxk(['config', 'set', 'com.openexchange.sessiond.tokenLoginTimeout=5s', '--restart', ...CREDENTIALS]);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, /^restarted: .*sessiond/m);
    const states = JSON.parse((await runOxk(['bundle', 'list', '--json', ...CREDENTIALS])).stdout) as { name: string; state: string }[];
    assert.deepEqual(states.filter((b) => ['sessiond', 'login'].includes(b.name)).map((b) => b.state), ['ACTIVE', 'ACTIVE']);
  });

  it('config set kernel.log.level applies to the running node; a bad level and a start-up-only kernel key are refused', async () => {
    const quiet = await runOxk(['config', 'set', 'kernel.log.level=warn', ...CREDENTIALS]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, 'kernel.log.level: info -> warn (bundle kernel)\n');
    const seen = node.lines.length;
    assert.equal((await runOxk(['bundle', 'restart', 'widgets', ...CREDENTIALS])).code, 0);
    assert.doesNotMatch(node.lines.slice(seen).join('\n'), /INFO .*starting bundle widgets/, 'info lines are off at level warn');
    const loud = await runOxk(['config', 'set', 'kernel.log.level=info', ...CREDENTIALS]);
    assert.equal(loud.code, 0, loud.stderr);
    const again = node.lines.length;
    assert.equal((await runOxk(['bundle', 'restart', 'widgets', ...CREDENTIALS])).code, 0);
    assert.match(node.lines.slice(again).join('\n'), /INFO .*starting bundle widgets/);

    const bad = await runOxk(['config', 'set', 'kernel.log.level=chatty', ...CREDENTIALS]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^refused kernel\.log\.level \(bundle kernel\): setConfig kernel\.log\.level: must be one of/m);
    const fixed = await runOxk(['config', 'set', 'kernel.bundles.path=/elsewhere', ...CREDENTIALS]);
    assert.equal(fixed.code, 1);
    assert.match(fixed.stderr, /kernel\.bundles\.path is read when the node starts: restart the node to change it/);
  });

  it('bundle list --watch prints the table, then every state change as it happens', async () => {
    const watch = spawn(process.execPath, [oxkBin, 'bundle', 'list', '--watch', ...CREDENTIALS], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => watch.kill('SIGKILL'));
    let out = '';
    watch.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    await waitFor('the first table', () => /^widgets\s+2\.1\.0\s+ACTIVE/m.test(out), 15_000);
    assert.equal((await runOxk(['bundle', 'stop', 'widgets', ...CREDENTIALS])).code, 0);
    await waitFor('the stop seen', () => /Z widgets: STOPPING -> RESOLVED \(stopped by an operator\)$/m.test(out), 15_000);
    assert.match(out, /Z widgets: ACTIVE -> STOPPING \(stopped by an operator\)$/m, 'every transition, from the kernel events');
    assert.equal((await runOxk(['bundle', 'start', 'widgets', ...CREDENTIALS])).code, 0);
    await waitFor('the start seen', () => /Z widgets: STARTING -> ACTIVE$/m.test(out), 15_000);
    assert.match(out, /Z widgets: RESOLVED -> STARTING$/m);
    watch.kill('SIGTERM');
  });
});
