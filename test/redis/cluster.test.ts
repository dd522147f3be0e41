import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { loginLoad } from '../support/loginLoad.js';
import { redisCli, removeAllRedis, startRedisCluster } from '../support/redisServers.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: six Redis Cluster servers on 127.0.19.50..55:6379 (three masters with one
// replica each), nodes OX56 and OX57 on 127.0.19.56 and .57.
const SERVERS = Array.from({ length: 6 }, (_, i) => `127.0.19.${50 + i}:6379`);
const NODES: Record<string, string> = { OX56: '127.0.19.56', OX57: '127.0.19.57' };
const USERS = Array.from({ length: 30 }, (_, i) => `user${i}`);
const base = (address: string) => `http://${address}:8009`;

let config: { dir: string; remove(): void };
const nodes: NodeProcess[] = [];

before(async () => {
  config = tempConfig({ 'users.properties': await usersFile(Object.fromEntries(USERS.map((u) => [u, `${u}-pw`]))) });
});

after(async () => {
  await killAll();
  await removeAllRedis();
  config?.remove();
});

/** The masters as CLUSTER NODES lists them (`host:port`), without failed ones. */
async function masters(seed: string): Promise<string[]> {
  const text = await redisCli(seed, 'CLUSTER', 'NODES');
  return text.split('\n').filter((l) => / master /.test(` ${l.split(' ')[2]} `.replace(/,/g, ' ')) && !/fail/.test(l.split(' ')[2]!)).map((l) => l.split(' ')[1]!.split('@')[0]!);
}

describe('sessions on Redis Cluster', () => {
  it('SIGKILL of a master during logins: sessions of every user are readable again after its replica takes over', async () => {
    const servers = await startRedisCluster(SERVERS);
    for (const [route, address] of Object.entries(NODES)) {
      nodes.push(sessionNode({
        configDir: config.dir, address, route,
        set: {
          'com.openexchange.hazelcast.enabled': false,
          'com.openexchange.redis.enabled': true,
          'com.openexchange.redis.mode': 'cluster',
          'com.openexchange.redis.hosts': SERVERS.slice(0, 3).join(','),
          'com.openexchange.redis.waitForReplicas': 1,
          'com.openexchange.redis.commandTimeoutMillis': 8000,
          'com.openexchange.sessiond.redis.enabled': true,
          'com.openexchange.sessionstorage.hazelcast.enabled': false,
          'com.openexchange.sessiond.maxSessionPerUser': 0,
          'com.openexchange.sessiond.maxSession': 0,
        },
      }));
    }
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    const before = await masters(SERVERS[0]!);
    assert.equal(before.length, 3, before.join(', '));

    const load = loginLoad(Object.values(NODES).map(base), USERS, (u) => `${u}-pw`);
    try {
      await waitFor('logins before the kill', () => load.acked.length >= 60, 30_000);
      const victimAddress = before[1]!;
      const victim = servers.find((s) => s.address === victimAddress)!;
      await victim.kill();
      const seed = SERVERS.find((a) => a !== victimAddress)!;
      await waitFor('a replica takes over the lost master\'s slots', async () => {
        const now = await masters(seed);
        return now.length === 3 && !now.includes(victimAddress) && (await redisCli(seed, 'CLUSTER', 'INFO')).includes('cluster_state:ok');
      }, 30_000, 100);
      // The old master comes back as a replica, so the promoted one can confirm writes (WAIT 1) again.
      await victim.restart();
      const afterFailover = load.acked.length;
      await waitFor('logins acknowledged after the failover', () => load.acked.length >= afterFailover + 60, 60_000);
    } finally {
      // Also when a step fails: the login loops would otherwise keep the test process alive.
      await load.stop();
    }

    const users = new Set(load.acked.map((a) => a.user));
    assert.equal(users.size, USERS.length, 'every user logged in at least once');
    const other = Object.values(NODES);
    await mapLimit(load.acked, 8, async ({ user, client }, i) => {
      const elsewhere = new SessionClient(base(other[i % 2]!));
      for (const [k, v] of client.cookies) elsewhere.cookies.set(k, v);
      const w = expectOk(await elsewhere.whoami(client.session), `whoami of ${user}'s acknowledged session ${i}`);
      assert.equal(w.json.user, user);
    });
    assert.ok(nodes.every((n) => n.running), 'no node was restarted');
  });
});
