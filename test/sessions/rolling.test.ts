import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApacheProcess } from '../support/apache.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode, waitForCluster } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses of this file: Apache on 127.0.6.51, nodes OX52..OX54 on 127.0.6.52..54.
const APACHE = '127.0.6.51:8080';
const ADDRESSES: Record<string, string> = { OX52: '127.0.6.52', OX53: '127.0.6.53', OX54: '127.0.6.54' };
const GRID = Object.values(ADDRESSES).map((a) => `${a}:5701`);
const SESSIONS = 1000;
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];

let apache: ApacheProcess;
let config: { dir: string; remove(): void };
const nodes = new Map<string, NodeProcess>();
const start = (route: string) => {
  const n = sessionNode({ configDir: config.dir, address: ADDRESSES[route], route, cluster: GRID, set: { 'com.openexchange.sessiond.maxSessionPerUser': 0 } });
  nodes.set(route, n);
  return n;
};

before(async () => {
  config = tempConfig({ 'users.properties': await usersFile(Object.fromEntries(USERS.map((u) => [u, `${u}-pw`])), 256) });
  await Promise.all(Object.keys(ADDRESSES).map((r) => start(r).ready(30_000)));
  await waitForCluster(Object.values(ADDRESSES), 3);
  apache = await ApacheProcess.start({ listen: APACHE, nodes: Object.fromEntries(Object.entries(ADDRESSES).map(([r, a]) => [r, `${a}:8009`])) });
});

after(async () => {
  await apache?.stop();
  await killAll();
  config?.remove();
});

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
