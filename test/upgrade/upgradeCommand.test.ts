import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApacheProcess } from '../support/apache.js';
import { ApacheCluster } from '../support/apacheCluster.js';
import { listMembers } from '../../bundles/login/cli/balancerManager.js';
import { JOLOKIA_CREDENTIALS, jolokiaSettings, readAttribute } from '../support/jolokia.js';
import { NodeControl } from '../support/nodeControl.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Apache on 127.0.22.30, nodes UP31..UP33 on 127.0.22.31..33, the node control on 127.0.22.34.
const APACHE = '127.0.22.30:8009';
const ADDRESSES: Record<string, string> = { UP31: '127.0.22.31', UP32: '127.0.22.32', UP33: '127.0.22.33' };
const ROUTES = Object.keys(ADDRESSES);
const USERS = 20;
const ENTRIES = 5000;
const cluster = new ApacheCluster(APACHE, ADDRESSES, jolokiaSettings);
const jolokiaFlags = ['--jolokia-user', JOLOKIA_CREDENTIALS.user, '--jolokia-password', JOLOKIA_CREDENTIALS.password];

interface Progress { state: string; startedAt: number; updatedAt: number; step: string; nodes: { route: string; state: string; message: string }[]; error: string }
/** The rolling upgrade's progress as a node's RollingUpgrade MBean shows it. */
const progressOn = (route: string) => readAttribute<Progress>(ADDRESSES[route]!, 'com.openexchange.upgrade:type=RollingUpgrade', 'Progress');
const control = new NodeControl('127.0.22.34', 8009, {
  stop: async (route) => {
    const node = cluster.nodes.get(route)!;
    await node.stop(30_000);
    if (node.exitCode !== 0) throw new Error(`${route} exited ${node.exitCode ?? node.exitSignal}`);
    return `stopped ${route}`;
  },
  start: async (route) => {
    cluster.start(route);
    return `started ${route}`;
  },
});
const nodeFlags = ROUTES.flatMap((r) => ['--node', `${r}=${ADDRESSES[r]}:8009`]);
const mapArgs = (command: string) => ['map', '--connect', ADDRESSES.UP31!, '--group', 'sessions-test', 'upgrade-check', command, '--count', String(ENTRIES)];
let apache: ApacheProcess;

async function enabledRoutes(): Promise<Record<string, boolean>> {
  return Object.fromEntries((await listMembers(apache.managerUrl)).map((m) => [m.route, !m.disabled]));
}

before(async () => {
  apache = await cluster.up(await usersFile(Object.fromEntries(Array.from({ length: USERS }, (_, i) => [`user${i}`, `pw-${i}`])), 256));
  await control.listen();
});

after(async () => {
  await control.close();
  await cluster.down();
});

describe('oxk upgrade through real Apache over three nodes', { timeout: 400_000 }, () => {
  it('20 logged-in users requesting without pause: 0 failed requests, 0 re-logins, every map entry kept, every node enabled at the end', async () => {
    const load = await runOxk(mapArgs('load'), { timeoutMs: 60_000 });
    assert.equal(load.code, 0, load.stderr);
    const users = await mapLimit(Array.from({ length: USERS }, (_, i) => i), 5, async (i) => {
      const c = new SessionClient(apache.base);
      expectOk(await c.login(`user${i}`, `pw-${i}`), `login user${i}`);
      return c;
    });
    const failures: string[] = [];
    let requests = 0;
    let running = true;
    const traffic = users.map(async (c, i) => {
      while (running) {
        const w = await c.whoami().catch((err: Error) => ({ status: 0, json: undefined, body: err.message }));
        requests++;
        if (w.status !== 200 || w.json?.session !== c.session) failures.push(`user${i}: ${w.status} ${w.body.slice(0, 200)}`);
      }
    });
    const upgrade = await runOxk([
      'upgrade', '--balancer', apache.managerUrl, ...nodeFlags,
      '--stop', control.command('stop'), '--exec', control.command('start'), '--join-timeout', '60s', ...jolokiaFlags,
    ], { timeoutMs: 300_000 });
    running = false;
    await Promise.all(traffic);
    assert.equal(upgrade.code, 0, `${upgrade.stdout}\n${upgrade.stderr}`);
    assert.deepEqual(control.requests, ROUTES.flatMap((r) => [`stop ${r}`, `start ${r}`]), 'each node stopped and started once, in order');
    assert.ok(requests > USERS * 10, `the users kept requesting (${requests} requests)`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${requests} requests failed`);
    assert.deepEqual(await enabledRoutes(), Object.fromEntries(ROUTES.map((r) => [r, true])));
    const verify = await runOxk(mapArgs('verify'), { timeoutMs: 60_000 });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, new RegExp(`verified ${ENTRIES}/${ENTRIES} missing 0 wrong 0`));
    assert.doesNotMatch(upgrade.stdout, /progress not reported/);
    for (const route of ROUTES) {
      // The last report went to one node; the others follow the grid map's entry event.
      const progress = await waitFor(`the finished upgrade on ${route}`, async () => {
        const p = await progressOn(route);
        return p.state === 'done' ? p : undefined;
      }, 10_000, 100);
      assert.deepEqual(progress.nodes.map((n) => [n.route, n.state]), ROUTES.map((r) => [r, 'done']));
      assert.equal(progress.error, '');
      assert.ok(progress.startedAt > 0 && progress.updatedAt >= progress.startedAt);
    }
  });

  it('balancer-manager unreachable: stops before any node, nothing changed', async () => {
    const r = await runOxk(['upgrade', '--balancer', 'http://127.0.22.35:8009/balancer-manager', ...nodeFlags, '--stop', control.command('stop'), '--exec', control.command('start')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /stopped at step 1 .*before any node.*ECONNREFUSED/);
    assert.match(r.stderr, /nothing was changed/);
    assert.deepEqual(await enabledRoutes(), Object.fromEntries(ROUTES.map((r) => [r, true])));
  });

  it('a node that does not come back: stops there, says what next, every other node stays enabled', async () => {
    const before = control.requests.length;
    const r = await runOxk([
      'upgrade', '--balancer', apache.managerUrl, ...nodeFlags,
      '--stop', control.command('stop'), '--exec', 'true', '--join-timeout', '5s', ...jolokiaFlags,
    ], { timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /stopped at step \d+ of \d+ \(node UP31: wait until it has joined/);
    assert.match(r.stderr, /UP31 is disabled in the balancer; every other node is enabled and not back.*oxk undrain UP31/);
    assert.deepEqual(control.requests.slice(before), ['stop UP31'], 'no other node was touched');
    assert.deepEqual(await enabledRoutes(), { UP31: false, UP32: true, UP33: true });
    const progress = await waitFor('the failed upgrade on UP32', async () => {
      const p = await progressOn('UP32');
      return p.state === 'failed' && p.nodes[0]?.state === 'failed' ? p : undefined;
    }, 10_000, 100);
    assert.deepEqual(progress.nodes.map((n) => [n.route, n.state]), [['UP31', 'failed'], ['UP32', 'pending'], ['UP33', 'pending']]);
    assert.match(progress.error, /stopped at step \d+ .*UP31 is disabled in the balancer/);
    // Put the cluster back as the message says: start the node, undrain it.
    await cluster.start('UP31').ready(30_000);
    await waitForCluster(Object.values(ADDRESSES), 3);
    const undrain = await runOxk(['undrain', 'UP31', '--balancer', apache.managerUrl]);
    assert.equal(undrain.code, 0, undrain.stderr);
  });
});
