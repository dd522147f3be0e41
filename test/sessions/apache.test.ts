import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APACHE_BIN, ApacheProcess } from '../support/apache.js';
import { killAll } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses of this file: Apache on 127.0.6.21, nodes on 127.0.6.22 (OX22) and 127.0.6.23 (OX23).
const APACHE = '127.0.6.21:8080';
const NODES = { OX22: '127.0.6.22', OX23: '127.0.6.23' };

describe('oxk apache-conf', () => {
  it('prints a complete config that Apache accepts: sticky on JSESSIONID|jsessionid, one member per route, balancer-manager for localhost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oxk-apache-conf-'));
    try {
      const text = await ApacheProcess.config({ listen: '127.0.6.24:8080', nodes: { OX1: '10.0.0.1:8009', OX2: 'ox2.example.org:8009' }, retrySeconds: 5 }, dir);
      assert.match(text, /^\s*ProxySet stickysession=JSESSIONID\|jsessionid scolonpathdelim=On$/m);
      assert.match(text, /^\s*BalancerMember "http:\/\/10\.0\.0\.1:8009" route=OX1 retry=5 timeout=100$/m);
      assert.match(text, /^\s*BalancerMember "http:\/\/ox2\.example\.org:8009" route=OX2 retry=5 /m);
      assert.match(text, /<Location "\/balancer-manager">\s*SetHandler balancer-manager\s*Require local\s*<\/Location>/);
      assert.match(text, /^ProxyPass "\/ajax" "balancer:\/\/oxcluster\/ajax"$/m);
      assert.match(text, /^Listen 127\.0\.6\.24:8080$/m);
      for (const mod of ['proxy', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm', 'status', 'authz_core', 'authz_host']) {
        assert.match(text, new RegExp(`^LoadModule ${mod}_module "[^"]+/mod_${mod}\\.so"$`, 'm'));
      }
      assert.match(text, new RegExp(`^PidFile "${dir}/httpd.pid"$`, 'm'));
      writeFileSync(join(dir, 'httpd.conf'), text);
      const check = spawnSync(APACHE_BIN, ['-t', '-f', join(dir, 'httpd.conf')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
      assert.match(check.stderr + check.stdout, /Syntax OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a node without a route, a repeated route and a listen address without a port', async () => {
    const cases: [string[], RegExp][] = [
      [['--listen', '127.0.0.1:80', '--node', '127.0.0.1:8009'], /is not ROUTE=HOST:PORT/],
      [['--listen', '127.0.0.1:80', '--node', 'OX;1=127.0.0.1:8009'], /is not ROUTE=HOST:PORT/],
      [['--listen', '127.0.0.1:80', '--node', 'OX1=a:1', '--node', 'OX1=b:2'], /route OX1 is given twice/],
      [['--listen', '127.0.0.1', '--node', 'OX1=a:1'], /--listen "127.0.0.1" is not HOST:PORT/],
      [['--listen', '127.0.0.1:80'], /at least one --node/],
    ];
    for (const [args, message] of cases) {
      const out = await runOxk(['apache-conf', ...args]);
      assert.equal(out.code, 1, args.join(' '));
      assert.match(out.stderr, message);
      assert.equal(out.stdout, '');
    }
  });
});

describe('through a real Apache, two nodes', () => {
  let apache: ApacheProcess;
  let config: { dir: string; remove(): void };

  before(async () => {
    config = tempConfig({ 'users.properties': await usersFile({ alice: 'alice-pw', bob: 'bob-pw' }) });
    const nodes = Object.entries(NODES).map(([route, address]) => sessionNode({ configDir: config.dir, address, route, set: { 'com.openexchange.sessiond.maxSessionPerUser': 0 } }));
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    apache = await ApacheProcess.start({ listen: APACHE, nodes: Object.fromEntries(Object.entries(NODES).map(([r, a]) => [r, `${a}:8009`])) });
  });

  after(async () => {
    await apache?.stop();
    await killAll();
    config?.remove();
  });

  it('new logins are spread over both nodes (byrequests)', async () => {
    const routes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('bob', 'bob-pw'), 'login');
      routes.add(c.route!);
    }
    assert.deepEqual([...routes].sort(), Object.keys(NODES).sort());
  });

  it('a login sticks to its node: 100 whoami calls all reach the route in its JSESSIONID', async () => {
    const c = new SessionClient(apache.base);
    expectOk(await c.login('alice', 'alice-pw'), 'login through Apache');
    const route = c.route!;
    assert.ok(route in NODES, route);
    const routes = new Set<string>();
    for (let i = 0; i < 100; i++) routes.add(expectOk(await c.whoami(), `whoami ${i}`).json.route);
    assert.deepEqual([...routes], [route]);
    // Apache's own log agrees on the member it picked.
    const served = (await apache.accessLines((l) => l.includes(`session=${c.session}`), 100)).map((l) => l.split(' ').at(-1));
    assert.equal(served.length, 100);
    assert.deepEqual([...new Set(served)], [route]);
  });

  it('token login through Apache: the redirect\'s ;jsessionid= brings the tokens request to the issuing node', async () => {
    for (let i = 0; i < 8; i++) {
      const portal = new SessionClient(apache.base);
      const t = await portal.request('POST', '/ajax/login?action=tokenLogin', { form: { login: 'alice', password: 'alice-pw', clientToken: `ct-${i}` } });
      assert.equal(t.status, 302, t.body);
      const m = /^\/appsuite\/;jsessionid=(\d+\.(OX\d+))#serverToken=([0-9a-f]{32})/.exec(t.headers.get('location') ?? '');
      assert.ok(m, t.headers.get('location') ?? 'no location');
      // A different browser, no cookies: only the path parameter can route it.
      const ui = new SessionClient(apache.base);
      const redeem = expectOk(await ui.request('GET', `/ajax/login;jsessionid=${m[1]}?action=tokens&clientToken=ct-${i}&serverToken=${m[3]}`), `tokens ${i}`);
      assert.equal(ui.route, m[2]);
      assert.equal(expectOk(await ui.whoami(redeem.json.session), 'whoami').json.route, m[2]);
    }
  });

  it('oxk drain sends no more requests to a member, oxk undrain brings it back', async () => {
    let onOx22: SessionClient | undefined;
    for (let i = 0; i < 300 && !onOx22; i++) {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('alice', 'alice-pw'), 'login');
      if (c.route === 'OX22') onOx22 = c;
    }
    assert.ok(onOx22, 'no login reached OX22');
    const drained = await runOxk(['drain', 'OX22', '--balancer', apache.managerUrl]);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /^OX22 \(http:\/\/127\.0\.6\.22:8009 in balancer oxcluster\): .*Dis/);
    for (let i = 0; i < 6; i++) {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('bob', 'bob-pw'), 'login while OX22 is drained');
      assert.equal(c.route, 'OX23');
    }
    // Even a request whose JSESSIONID names OX22 goes elsewhere (these two nodes share no grid, so OX23 does not know it).
    assert.equal((await onOx22.whoami()).status, 401);
    const served = (await apache.accessLines((l) => l.includes(`session=${onOx22.session}`), 1)).map((l) => l.split(' ').at(-1));
    assert.deepEqual(served, ['OX23']);
    const undrained = await runOxk(['undrain', 'OX22', '--balancer', apache.managerUrl]);
    assert.equal(undrained.code, 0, undrained.stderr);
    assert.doesNotMatch(undrained.stdout, /Dis/);
    // byrequests counts sticky requests too: OX22 gets new logins once it has caught up.
    let back = false;
    for (let i = 0; i < 300 && !back; i++) {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('bob', 'bob-pw'), 'login after undrain');
      back = c.route === 'OX22';
    }
    assert.ok(back, 'no login reached OX22 after undrain');
  });

  it('oxk drain names the known routes when the route is unknown, and fails on a wrong URL', async () => {
    const unknown = await runOxk(['drain', 'OX99', '--balancer', apache.managerUrl]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no balancer member has route OX99; routes: OX22, OX23/);
    const wrongUrl = await runOxk(['undrain', 'OX22', '--balancer', `${apache.base}/nothing-here`]);
    assert.equal(wrongUrl.code, 1);
    assert.match(wrongUrl.stderr, /answered 404 without its XML view/);
  });
});
