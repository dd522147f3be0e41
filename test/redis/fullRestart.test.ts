import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../bundles/auth-file/scryptHash.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { RedisProcess, redisCli, removeAllRedis } from '../support/redisServers.js';
import { expectOk, mapLimit, SessionClient } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Redis on 127.0.19.30:6379, nodes OX31..OX33 on 127.0.19.31..33 (Redis
// only: no grid at all); a lone node on 127.0.19.34 whose Redis (127.0.19.35:6379) starts late.
const REDIS = '127.0.19.30:6379';
const ADDRESSES: Record<string, string> = { OX31: '127.0.19.31', OX32: '127.0.19.32', OX33: '127.0.19.33' };
const LONE = '127.0.19.34';
const LATE_REDIS = '127.0.19.35:6379';
/**
 * The issue asks for 1000 users. Each login is one scrypt derivation; with a cheap cost (N=1024)
 * 1000 logins take a few seconds on two cores, so all 1000 are used.
 */
const USERS = 1000;

const redisOnly = (hosts: string) => ({
  'com.openexchange.hazelcast.enabled': false,
  'com.openexchange.redis.enabled': true,
  'com.openexchange.redis.hosts': hosts,
  'com.openexchange.sessiond.redis.enabled': true,
  'com.openexchange.sessionstorage.hazelcast.enabled': false,
  'com.openexchange.sessiond.maxSessionPerUser': 0,
  'com.openexchange.sessiond.maxSession': 0,
});

let config: { dir: string; remove(): void };
const password = (i: number) => `pw-${i}`;

before(async () => {
  const lines = await mapLimit(Array.from({ length: USERS }, (_, i) => i), 8, async (i) => `user${i}=${await hashPassword(password(i), { N: 1024, r: 8, p: 1 })}`);
  config = tempConfig({ 'users.properties': `${lines.join('\n')}\n` });
});

after(async () => {
  await killAll();
  await removeAllRedis();
  config?.remove();
});

const start = (route: string, address: string, redisHosts: string): NodeProcess => sessionNode({ configDir: config.dir, address, route, set: redisOnly(redisHosts) });
const base = (address: string) => `http://${address}:8009`;

/** A client for another node carrying the same cookies (a browser sent elsewhere by the balancer). */
function sameBrowserOn(address: string, c: SessionClient): SessionClient {
  const other = new SessionClient(base(address));
  for (const [k, v] of c.cookies) other.cookies.set(k, v);
  other.session = c.session;
  return other;
}

describe('full restart with sessions in Redis (no grid)', () => {
  it(`${USERS} users logged in on three nodes keep their sessions when every node stops and starts again`, async () => {
    const routes = Object.keys(ADDRESSES);
    let nodes = routes.map((r) => start(r, ADDRESSES[r]!, REDIS));
    const redis = await RedisProcess.start(REDIS);
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    const clients = await mapLimit(Array.from({ length: USERS }, (_, i) => i), 16, async (i) => {
      const c = new SessionClient(base(ADDRESSES[routes[i % 3]!]!));
      expectOk(await c.login(`user${i}`, password(i)), `login of user${i}`);
      return c;
    });
    assert.equal(Number(await redisCli(REDIS, 'ZCARD', 'ox-session-lastaccess:short')), USERS);

    await Promise.all(nodes.map((n) => n.stop(15_000)));
    assert.ok(nodes.every((n) => !n.running));
    nodes = routes.map((r) => start(r, ADDRESSES[r]!, REDIS));
    await Promise.all(nodes.map((n) => n.ready(30_000)));

    // Each user is served by the next node over: a node that never saw the session adopts it from Redis.
    await mapLimit(clients, 16, async (c, i) => {
      const w = expectOk(await sameBrowserOn(ADDRESSES[routes[(i + 1) % 3]!]!, c).whoami(), `whoami of user${i} after the restart`);
      assert.equal(w.json.user, `user${i}`);
      assert.equal(w.json.session, c.session);
    });
    assert.ok(redis.running);
  });
});

describe('Redis down at start, then lost mid-way', () => {
  it('the node starts, /health is DOWN, logins get a clear 503; it recovers when Redis comes up, and fails cleanly when Redis goes again', async () => {
    const node = start('OX34', LONE, LATE_REDIS);
    await node.ready(30_000);
    const health = async () => (await fetch(`${base(LONE)}/health`)).json() as Promise<{ status: string; redis?: { connected: boolean; mode: string; lastError?: string } }>;
    const down = await health();
    assert.equal(down.status, 'DOWN');
    assert.equal(down.redis?.connected, false);
    assert.match(down.redis?.lastError ?? '', /ECONNREFUSED/);
    const c = new SessionClient(base(LONE));
    const refused = await c.login('user1', password(1));
    assert.equal(refused.status, 503, refused.body);
    assert.equal(refused.json.code, 'SES-0300');
    assert.match(refused.json.error, /session storage is not available/);

    const redis = await RedisProcess.start(LATE_REDIS);
    await waitFor('/health UP once Redis answers', async () => (await health()).status === 'UP', 15_000, 100);
    expectOk(await c.login('user1', password(1)), 'login once Redis is up');
    expectOk(await c.whoami(), 'whoami');
    // The MBean's figures reach /metrics: the refused login's failed attempts, then the successful commands.
    const metrics = await (await fetch(`${base(LONE)}/metrics`)).text();
    const figure = (name: string) => Number(new RegExp(`^com_openexchange_redis_connection_${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.ok(figure('errors') >= 1, metrics);
    assert.ok(figure('commands') > figure('errors'), metrics);
    assert.equal(figure('connected'), 1);

    await redis.kill();
    const lost = await new SessionClient(base(LONE)).login('user2', password(2));
    assert.equal(lost.status, 503, lost.body);
    assert.ok(node.running, 'the node is still running');
    await RedisProcess.start(LATE_REDIS);
    await waitFor('/health UP again', async () => (await health()).status === 'UP', 15_000, 100);
    expectOk(await new SessionClient(base(LONE)).login('user2', password(2)), 'login after Redis is back');
  });
});
