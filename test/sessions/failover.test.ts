import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApacheProcess } from '../support/apache.js';
import { ApacheCluster } from '../support/apacheCluster.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionStorageVariants } from '../support/sessionStorages.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Apache on 127.0.6.31, nodes OX32..OX34 on 127.0.6.32..34; Redis (the
// Redis storage's run) on 127.0.19.20:6379.
const APACHE = '127.0.6.31:8080';
const ADDRESSES: Record<string, string> = { OX32: '127.0.6.32', OX33: '127.0.6.33', OX34: '127.0.6.34' };
const direct = (route: string) => `http://${ADDRESSES[route]}:8009`;

for (const storage of sessionStorageVariants('127.0.19.20:6379')) {
  const cluster = new ApacheCluster(APACHE, ADDRESSES, storage.set);
  const nodes = cluster.nodes;
  let apache: ApacheProcess;

  describe(`sessions across three nodes through Apache (${storage.name} storage)`, () => {
    before(async () => {
      await storage.up();
      apache = await cluster.up(await usersFile({ alice: 'alice-pw', bob: 'bob-pw' }));
    });

    after(async () => {
      await cluster.down();
      await storage.down();
    });

    it('a login sticks to one route: 100 whoami calls all reach that node', async () => {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('alice', 'alice-pw'), 'login');
      const route = c.route!;
      assert.ok(route in ADDRESSES, route);
      for (let i = 0; i < 100; i++) {
        const w = expectOk(await c.whoami(), `whoami ${i}`);
        assert.equal(w.json.route, route);
        assert.deepEqual(w.setCookies, [], 'no new JSESSIONID while the session stays on its node');
      }
    });

    it('token login across the redirect: ;jsessionid= reaches the node that holds the tokens', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 9; i++) {
        const portal = new SessionClient(apache.base);
        const t = await portal.request('POST', '/ajax/login?action=tokenLogin', { form: { login: 'bob', password: 'bob-pw', clientToken: `ct-${i}` } });
        assert.equal(t.status, 302, t.body);
        const m = /;jsessionid=(\d+\.(OX\d+))#serverToken=([0-9a-f]{32})/.exec(t.headers.get('location') ?? '');
        assert.ok(m, t.headers.get('location') ?? '');
        seen.add(m[2]);
        const ui = new SessionClient(apache.base);
        const redeem = expectOk(await ui.request('GET', `/ajax/login;jsessionid=${m[1]}?action=tokens&clientToken=ct-${i}&serverToken=${m[3]}`), `tokens ${i}`);
        assert.equal(expectOk(await ui.whoami(redeem.json.session), 'whoami').json.route, m[2]);
      }
      assert.ok(seen.size >= 2, `token logins were all issued by ${[...seen].join()}`);
    });

    it('any node serves a session it never saw (adopted from the storage); logout on one node ends it on all', async () => {
      const origin = new SessionClient(direct('OX32'));
      expectOk(await origin.login('alice', 'alice-pw'), 'login on OX32');
      const secret = [...origin.cookies].find(([k]) => k.startsWith('open-xchange-secret-'))!;
      const on = (route: string) => {
        const c = new SessionClient(direct(route));
        c.cookies.set(secret[0], secret[1]);
        c.cookies.set('JSESSIONID', origin.jsessionid!);
        c.session = origin.session;
        return c;
      };
      for (const route of ['OX33', 'OX34']) {
        const w = expectOk(await on(route).whoami(), `whoami on ${route}`);
        assert.deepEqual(w.json, { session: origin.session, user: 'alice', route });
        assert.match(w.setCookies[0] ?? '', new RegExp(`^JSESSIONID=\\d+\\.${route};`));
      }
      expectOk(await on('OX33').logout(), 'logout on OX33');
      for (const route of Object.keys(ADDRESSES)) {
        await waitFor(`session gone on ${route}`, async () => (await on(route).whoami()).status === 401, 5000);
      }
    });

    it('SIGKILL of the node: the next request with the same cookies is served by another node, same session, new JSESSIONID', async () => {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('bob', 'bob-pw'), 'login');
      const victim = c.route!;
      const before = expectOk(await c.whoami(), 'whoami before');
      assert.equal(before.json.route, victim);
      await nodes.get(victim)!.kill();

      const w = expectOk(await c.whoami(), 'first whoami after the kill');
      assert.equal(w.json.session, c.session);
      assert.equal(w.json.user, 'bob');
      assert.notEqual(w.json.route, victim);
      assert.match(w.setCookies.find((s) => s.startsWith('JSESSIONID=')) ?? '', new RegExp(`^JSESSIONID=\\d+\\.${w.json.route};`));
      assert.equal(c.route, w.json.route);
      for (let i = 0; i < 10; i++) {
        const again = expectOk(await c.whoami(), `whoami ${i} after the move`);
        assert.equal(again.json.route, w.json.route, 'sticks to its new node');
      }
    });
  });
}
