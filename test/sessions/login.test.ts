import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { sessionStorageVariants } from '../support/sessionStorages.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: 127.0.6.11, 127.0.6.12 and 127.0.6.13; Redis (the Redis storage's run) on
// 127.0.19.21:6379, the node with short lifetimes in database 1 (its expirer would end the others' sessions).
const MAIN = '127.0.6.11';
const LIMITED = '127.0.6.12';
const SHORT = '127.0.6.13';
const JOLOKIA = { 'com.openexchange.jolokia.user': 'jolokia', 'com.openexchange.jolokia.password': 'jolokia-pw' };
const base = (a: string) => `http://${a}:8009`;
const REDIS = '127.0.19.21:6379';

for (const storage of sessionStorageVariants(REDIS)) {
  describe(`${storage.name} storage`, () => {
    let configs: { dir: string; remove(): void }[] = [];
    let main: NodeProcess;
    let limited: NodeProcess;
    let short: NodeProcess;

    before(async () => {
      await storage.up();
      // Real cost (16384) so that the timing of a wrong password is measurable.
      const users = await usersFile({ alice: 'alice-pw', bob: 'bob-pw' }, 16384);
      const cfg = tempConfig({ 'users.properties': users });
      const cfgLimited = tempConfig({ 'users.properties': await usersFile({ carol: 'carol-pw', dave: 'dave-pw' }) });
      configs = [cfg, cfgLimited];
      // The timing test sends more wrong passwords for alice than the login throttle's burst; the
      // throttle has its own tests (test/http/loginThrottle.test.ts).
      const noThrottle = { 'com.openexchange.ajax.login.throttle.user.burst': 0, 'com.openexchange.ajax.login.throttle.address.burst': 0 };
      main = sessionNode({ configDir: cfg.dir, address: MAIN, route: 'OX11', set: { ...JOLOKIA, ...noThrottle, ...storage.set } });
      short = sessionNode({
        configDir: cfgLimited.dir, address: SHORT, route: 'OX13',
        set: { ...JOLOKIA, ...storage.set, 'com.openexchange.redis.database': 1, 'com.openexchange.sessiond.sessionDefaultLifeTime': '1s', 'com.openexchange.sessiond.sessionLongLifeTime': '3s' },
      });
      limited = sessionNode({
        configDir: cfgLimited.dir, address: LIMITED, route: 'OX12',
        set: { ...storage.set, 'com.openexchange.sessiond.maxSession': 3, 'com.openexchange.sessiond.maxSessionPerUser': 2, 'com.openexchange.cookie.secure': true, 'com.openexchange.cookie.sameSite': 'Strict' },
      });
      await Promise.all([main.ready(30_000), limited.ready(30_000), short.ready(30_000)]);
    });

    after(async () => {
      await killAll();
      for (const c of configs) c.remove();
      await storage.down();
    });

    describe(`login, whoami, logout on one node`, () => {
      it('login answers {session, user} and sets JSESSIONID=<digits>.<route> and the secret cookie', async () => {
        const c = new SessionClient(base(MAIN));
        const a = expectOk(await c.login('alice', 'alice-pw'), 'login');
        assert.deepEqual(Object.keys(a.json).sort(), ['session', 'user']);
        assert.match(a.json.session, /^[0-9a-f]{32}$/);
        assert.equal(a.json.user, 'alice');
        const jsession = a.setCookies.find((s) => s.startsWith('JSESSIONID='));
        assert.match(jsession ?? '', /^JSESSIONID=\d+\.OX11; Path=\/; HttpOnly; SameSite=Lax$/);
        const secret = a.setCookies.find((s) => s.startsWith('open-xchange-secret-'));
        assert.match(secret ?? '', /^open-xchange-secret-[0-9a-f]{32}=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
        assert.equal(a.headers.get('cache-control'), 'no-store');
      });

      it('whoami answers {session, user, route} with the secret cookie, and sets no new JSESSIONID for its own route', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('bob', 'bob-pw');
        const w = expectOk(await c.whoami(), 'whoami');
        assert.deepEqual(w.json, { session: c.session, user: 'bob', route: 'OX11' });
        assert.deepEqual(w.setCookies, []);
      });

      it('refuses a session id without its secret cookie (403), an unknown one (401), and malformed or missing ones (400)', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('alice', 'alice-pw');
        const secretName = [...c.cookies.keys()].find((k) => k.startsWith('open-xchange-secret-'))!;
        const noSecret = await c.request('GET', `/ajax/system?action=whoami&session=${c.session}`, { headers: { cookie: `JSESSIONID=${c.jsessionid}` }, cookies: false });
        assert.equal(noSecret.status, 403);
        assert.equal(noSecret.json.code, 'SES-0206');
        const wrong = await c.request('GET', `/ajax/system?action=whoami&session=${c.session}`, { headers: { cookie: `${secretName}=${'0'.repeat(32)}` }, cookies: false });
        assert.equal(wrong.status, 403);
        const unknown = await c.whoami('0123456789abcdef0123456789abcdef');
        assert.equal(unknown.status, 401);
        assert.equal(unknown.json.code, 'SES-0203');
        const malformed = await c.whoami('../../etc/passwd');
        assert.equal(malformed.status, 400);
        assert.equal(malformed.json.code, 'SES-0202');
        const missing = await c.request('GET', '/ajax/system?action=whoami');
        assert.equal(missing.status, 400);
        assert.equal(missing.json.code, 'SES-0201');
        for (const a of [noSecret, wrong, unknown, malformed, missing]) assert.deepEqual(Object.keys(a.json).sort(), ['code', 'error']);
      });

      it('logout ends the session: whoami then answers 401 and the secret cookie is cleared', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('alice', 'alice-pw');
        const out = expectOk(await c.logout(), 'logout');
        assert.deepEqual(out.json, { session: c.session, loggedOut: true });
        assert.ok(out.setCookies.some((s) => /^open-xchange-secret-[0-9a-f]{32}=; .*Max-Age=0/.test(s)));
        const w = await new SessionClient(base(MAIN)).whoami(c.session);
        assert.equal(w.status, 401);
        assert.equal((await c.logout()).status, 401);
      });
    });

    describe(`wrong credentials`, () => {
      it('a wrong password and an unknown user get the same answer', async () => {
        const c = new SessionClient(base(MAIN));
        const wrong = await c.login('alice', 'not-her-password');
        const unknown = await c.login('mallory', 'alice-pw');
        assert.equal(wrong.status, 401);
        assert.equal(unknown.status, 401);
        assert.equal(wrong.body, unknown.body);
        assert.equal(wrong.json.code, 'LGI-0006');
        assert.deepEqual(wrong.setCookies, []);
        assert.deepEqual(unknown.setCookies, []);
      });

      it('and take the same time (both run the full scrypt derivation)', async () => {
        const c = new SessionClient(base(MAIN));
        const timeOf = async (name: string) => {
          const t = process.hrtime.bigint();
          const a = await c.login(name, 'wrong');
          assert.equal(a.status, 401);
          return Number(process.hrtime.bigint() - t) / 1e6;
        };
        const known: number[] = [];
        const unknown: number[] = [];
        for (let i = 0; i < 12; i++) {
          known.push(await timeOf('alice'));
          unknown.push(await timeOf(`nobody${i}`));
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const ratio = median(unknown) / median(known);
        // Without the decoy derivation an unknown user answers in well under a tenth of the time.
        assert.ok(ratio > 0.5 && ratio < 2, `median ${median(unknown).toFixed(1)} ms for unknown users vs ${median(known).toFixed(1)} ms for a wrong password`);
      });
    });

    describe(`JSESSIONID routing`, () => {
      it('a JSESSIONID of another node\'s route gets the session served here and a new JSESSIONID with this route', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('bob', 'bob-pw');
        c.cookies.set('JSESSIONID', '5661584529655240315.OX1');
        const w = expectOk(await c.whoami(), 'whoami with a foreign route');
        assert.equal(w.json.route, 'OX11');
        assert.match(w.setCookies[0] ?? '', /^JSESSIONID=\d+\.OX11; Path=\/; HttpOnly; SameSite=Lax$/);
        assert.equal(c.route, 'OX11');
      });

      it('honours ;jsessionid= in the path: its own route is kept (and set as a cookie), another route is replaced', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('bob', 'bob-pw');
        const jsession = c.jsessionid!;
        c.cookies.delete('JSESSIONID');
        const own = expectOk(await c.request('GET', `/ajax/system;jsessionid=${jsession}?action=whoami&session=${c.session}`), 'path param, own route');
        assert.deepEqual(own.setCookies, [`JSESSIONID=${jsession}; Path=/; HttpOnly; SameSite=Lax`]);
        c.cookies.delete('JSESSIONID');
        const foreign = expectOk(await c.request('GET', `/ajax/system;jsessionid=42.OX7?action=whoami&session=${c.session}`), 'path param, other route');
        assert.match(foreign.setCookies[0] ?? '', /^JSESSIONID=\d+\.OX11;/);
        assert.notEqual(c.jsessionid, '42.OX7');
      });

      it('malformed JSESSIONID values and cookie headers are replaced or ignored, never a 500', async () => {
        const c = new SessionClient(base(MAIN));
        await c.login('bob', 'bob-pw');
        for (const bad of ['abc', '.OX11', '12.', '12.OX11 x', '9'.repeat(200) + '.OX11', '%00.OX11']) {
          c.cookies.set('JSESSIONID', bad);
          const w = expectOk(await c.whoami(), `JSESSIONID=${bad}`);
          assert.match(w.setCookies[0] ?? '', /^JSESSIONID=\d+\.OX11;/, bad);
        }
        const garbage = await c.request('GET', `/ajax/system;jsessionid=;;=;a=b?action=whoami&session=${c.session}`, { headers: { cookie: ';;==; =x; JSESSIONID' }, cookies: false });
        assert.equal(garbage.status, 403);
      });
    });

    describe(`token login`, () => {
      it('tokenLogin redirects with ;jsessionid= and the server token; tokens redeems it once for the session and its secret cookie', async () => {
        const c = new SessionClient(base(MAIN));
        const t = await c.request('POST', '/ajax/login?action=tokenLogin', { form: { login: 'alice', password: 'alice-pw', clientToken: 'client-token-1' } });
        assert.equal(t.status, 302, t.body);
        const location = t.headers.get('location') ?? '';
        const m = /^\/appsuite\/;jsessionid=(\d+\.OX11)#serverToken=([0-9a-f]{32})&user=alice$/.exec(location);
        assert.ok(m, location);
        const [, jsession, serverToken] = m;
        // The next step comes from the UI without cookies: only the path parameter routes it.
        const ui = new SessionClient(base(MAIN));
        const redeem = expectOk(await ui.request('GET', `/ajax/login;jsessionid=${jsession}?action=tokens&clientToken=client-token-1&serverToken=${serverToken}`), 'tokens');
        assert.equal(redeem.json.user, 'alice');
        assert.equal(ui.jsessionid, jsession);
        assert.ok([...ui.cookies.keys()].some((k) => k.startsWith('open-xchange-secret-')));
        assert.deepEqual(expectOk(await ui.whoami(redeem.json.session), 'whoami after tokens').json, { session: redeem.json.session, user: 'alice', route: 'OX11' });
        const again = await new SessionClient(base(MAIN)).request('GET', `/ajax/login?action=tokens&clientToken=client-token-1&serverToken=${serverToken}`);
        assert.equal(again.status, 403);
        assert.equal(again.json.code, 'SES-0207');
      });

      it('refuses a wrong client token, a missing client token and a malformed server token', async () => {
        const c = new SessionClient(base(MAIN));
        const t = await c.request('POST', '/ajax/login?action=tokenLogin', { form: { login: 'bob', password: 'bob-pw', clientToken: 'right', jsonResponse: 'true' } });
        assert.equal(t.status, 200);
        assert.match(t.json.url, /;jsessionid=\d+\.OX11#serverToken=/);
        const wrong = await c.request('GET', `/ajax/login?action=tokens&clientToken=wrong&serverToken=${t.json.serverToken}`);
        assert.equal(wrong.status, 403);
        const none = await c.request('POST', '/ajax/login?action=tokenLogin', { form: { login: 'bob', password: 'bob-pw' } });
        assert.equal(none.status, 400);
        const malformed = await c.request('GET', '/ajax/login?action=tokens&clientToken=x&serverToken=zz');
        assert.equal(malformed.status, 400);
        assert.equal(malformed.json.code, 'SVL-0003');
      });
    });

    describe(`bad input`, () => {
      it('answers clear errors for wrong actions, methods and parameters', async () => {
        const c = new SessionClient(base(MAIN));
        const cases: [Promise<{ status: number; json: { code: string } }>, number, string][] = [
          [c.request('GET', '/ajax/login?action=login&name=alice&password=alice-pw'), 400, 'SVL-0002'],
          [c.request('POST', '/ajax/login?action=dance', { form: {} }), 400, 'SVL-0002'],
          [c.request('GET', '/ajax/login'), 400, 'SVL-0002'],
          [c.request('GET', '/ajax/system?action=reboot'), 400, 'SVL-0002'],
          [c.request('POST', '/ajax/login?action=login', { form: { name: 'alice' } }), 400, 'LGI-0003'],
          [c.request('POST', '/ajax/login?action=login', { form: { name: 'alice', password: 'x'.repeat(2000) } }), 400, 'SVL-0003'],
          [c.request('POST', '/ajax/login?action=login', { form: { name: 'a'.repeat(300), password: 'x' } }), 400, 'SVL-0003'],
          [c.request('POST', '/ajax/login?action=login', { form: { name: 'alice', password: 'alice-pw', client: '<script>' } }), 400, 'SVL-0003'],
          [c.request('DELETE', '/ajax/login?action=logout'), 405, 'HTTP-0405'],
        ];
        for (const [pending, status, code] of cases) {
          const a = await pending;
          assert.deepEqual([a.status, a.json.code], [status, code]);
        }
      });

      it('limits body and header sizes (413, 431) and keeps serving', async () => {
        const big = await fetch(`${base(MAIN)}/ajax/login?action=login`, { method: 'POST', body: `name=alice&password=${'x'.repeat(2 * 1024 * 1024)}` }).catch((e: Error) => e);
        if (!(big instanceof Error)) assert.equal(big.status, 413);
        const huge = await fetch(`${base(MAIN)}/ajax/system?action=whoami&session=${'a'.repeat(32)}`, { headers: { cookie: `x=${'y'.repeat(64 * 1024)}` } }).catch((e: Error) => e);
        if (!(huge instanceof Error)) assert.equal(huge.status, 431);
        expectOk(await new SessionClient(base(MAIN)).login('alice', 'alice-pw'), 'login after oversized requests');
      });

      it('cookies follow com.openexchange.cookie.secure and .sameSite', async () => {
        const c = new SessionClient(base(LIMITED));
        const a = expectOk(await c.login('carol', 'carol-pw'), 'login');
        assert.equal(a.setCookies.length, 2);
        for (const cookie of a.setCookies) assert.match(cookie, /; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
        expectOk(await c.logout(), 'logout');
      });

      it('a login flood hits maxSessionPerUser (429) and maxSession (503) with clear errors', async () => {
        const c = new SessionClient(base(LIMITED));
        expectOk(await c.login('carol', 'carol-pw'), 'carol 1');
        expectOk(await c.login('carol', 'carol-pw'), 'carol 2');
        const perUser = await c.login('carol', 'carol-pw');
        assert.equal(perUser.status, 429);
        assert.equal(perUser.json.code, 'SES-0005');
        assert.match(perUser.json.error, /carol .*maximum of 2 sessions.*maxSessionPerUser/);
        expectOk(await c.login('dave', 'dave-pw'), 'dave 1');
        const full = await c.login('dave', 'dave-pw');
        assert.equal(full.status, 503);
        assert.equal(full.json.code, 'SES-0004');
        assert.match(full.json.error, /OX12 .*maximum of 3 sessions.*maxSession\)/);
        // Logging out frees a place.
        expectOk(await c.logout(), 'logout');
        expectOk(await c.login('dave', 'dave-pw'), 'dave after a logout');
      });

      it('never answered 500 and logged no error', () => {
        for (const n of [main, limited, short]) assert.deepEqual(n.lines.filter((l) => / ERROR /.test(l)), []);
      });
    });

    /** The sessiond MBean's attributes, read through the node's Jolokia agent. */
    async function sessiondMBean(address: string): Promise<Record<string, number>> {
      const res = await fetch(`${base(address)}/monitoring/jolokia`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('jolokia:jolokia-pw').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'read', mbean: 'com.openexchange.sessiond:name=SessionD Toolkit' }),
      });
      const body = (await res.json()) as { status: number; value: Record<string, number> };
      assert.equal(body.status, 200, JSON.stringify(body));
      return body.value;
    }

    describe(`management`, () => {
      it('the sessiond MBean counts this node\'s sessions', async () => {
        const before = await sessiondMBean(MAIN);
        assert.equal(before.MaxSession, 5000);
        const c = new SessionClient(base(MAIN));
        expectOk(await c.login('bob', 'bob-pw'), 'login');
        assert.equal((await sessiondMBean(MAIN)).NumberOfShortTermSessions, before.NumberOfShortTermSessions + 1);
        expectOk(await c.logout(), 'logout');
        assert.equal((await sessiondMBean(MAIN)).NumberOfShortTermSessions, before.NumberOfShortTermSessions);
      });
    });

    describe(`lifetimes`, () => {
      it('an idle session moves to the long-term container after sessionDefaultLifeTime and expires after sessionLongLifeTime', async () => {
        const c = new SessionClient(base(SHORT));
        expectOk(await c.login('carol', 'carol-pw'), 'login');
        const idle = new SessionClient(base(SHORT));
        expectOk(await idle.login('dave', 'dave-pw'), 'login');
        // Watched through the MBean, which does not touch the sessions.
        await waitFor('both sessions in the long-term container', async () => (await sessiondMBean(SHORT)).NumberOfLongTermSessions === 2, 10_000);
        expectOk(await c.whoami(), 'whoami of a long-term session');
        assert.deepEqual(await sessiondMBean(SHORT).then((m) => [m.NumberOfShortTermSessions, m.NumberOfLongTermSessions]), [1, 1]);
        // The idle session was last used before the other one, so it is the first to expire.
        await waitFor('the idle session expired', async () => {
          const m = await sessiondMBean(SHORT);
          return m.NumberOfShortTermSessions + m.NumberOfLongTermSessions <= 1;
        }, 10_000);
        const gone = await idle.whoami();
        assert.equal(gone.status, 401);
        assert.equal(gone.json.code, 'SES-0203');
      });
    });

    describe(`configuration`, () => {
      it('refuses a route with ";", "," or whitespace', async () => {
        for (const route of ['OX;1', 'OX,1', 'OX 1']) {
          const out = await runOxk(['config', 'check', '--config', configs[0].dir, '--set', `com.openexchange.server.backendRoute=${route}`]);
          assert.notEqual(out.code, 0, route);
          assert.match(out.stdout + out.stderr, /backendRoute: must be a non-empty route without ";", "," or whitespace/);
        }
      });
    });
  });
}
