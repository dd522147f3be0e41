import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApacheProcess } from '../support/apache.js';
import { ApacheCluster } from '../support/apacheCluster.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';

// Addresses of this file: Apache on 127.0.6.51, nodes OX52..OX54 on 127.0.6.52..54.
const APACHE = '127.0.6.51:8080';
const ADDRESSES: Record<string, string> = { OX52: '127.0.6.52', OX53: '127.0.6.53', OX54: '127.0.6.54' };
const SESSIONS = 1000;
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const cluster = new ApacheCluster(APACHE, ADDRESSES, { 'com.openexchange.sessiond.maxSessionPerUser': 0 });
const nodes = cluster.nodes;
const start = (route: string) => cluster.start(route);
let apache: ApacheProcess;

before(async () => {
  apache = await cluster.up(await usersFile(Object.fromEntries(USERS.map((u) => [u, `${u}-pw`])), 256));
});

after(() => cluster.down());

describe('rolling restart', () => {
  it(`${SESSIONS} sessions, then every node restarted one by one: every session is still valid, no re-login`, async () => {
    const clients = await mapLimit(Array.from({ length: SESSIONS }, (_, i) => i), 8, async (i) => {
      const c = new SessionClient(apache.base);
      const user = USERS[i % USERS.length];
      expectOk(await c.login(user, `${user}-pw`), `login ${i}`);
      return c;
    });
    const perRoute = new Map<string, number>();
    for (const c of clients) perRoute.set(c.route!, (perRoute.get(c.route!) ?? 0) + 1);
    assert.equal(perRoute.size, 3, `logins spread over ${[...perRoute.keys()].join()}`);

    for (const route of Object.keys(ADDRESSES)) {
      const node = nodes.get(route)!;
      await node.stop(30_000);
      assert.equal(node.exitCode, 0, `${route} stopped gracefully:\n${node.output().slice(-2000)}`);
      await waitForCluster(Object.entries(ADDRESSES).filter(([r]) => r !== route).map(([, a]) => a), 2, 30_000);
      await start(route).ready(30_000);
      await waitForCluster(Object.values(ADDRESSES), 3, 30_000);
    }

    const failures: string[] = [];
    await mapLimit(clients, 8, async (c, i) => {
      const w = await c.whoami();
      if (w.status !== 200 || w.json.session !== c.session || w.json.user !== USERS[i % USERS.length]) failures.push(`#${i}: ${w.status} ${w.body}`);
    });
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${SESSIONS} sessions lost`);
  });
});
