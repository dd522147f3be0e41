import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { loginLoad } from '../support/loginLoad.js';
import { redisCli, removeAllRedis, startSentinelSet } from '../support/redisServers.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: master 127.0.19.40:6379, replica 127.0.19.41:6379, sentinels
// 127.0.19.42..44:26379, nodes OX45 and OX46 on 127.0.19.45 and .46.
const MASTER = '127.0.19.40:6379';
const REPLICA = '127.0.19.41:6379';
const SENTINELS = ['127.0.19.42:26379', '127.0.19.43:26379', '127.0.19.44:26379'];
const NODES: Record<string, string> = { OX45: '127.0.19.45', OX46: '127.0.19.46' };
const USERS = Array.from({ length: 20 }, (_, i) => `user${i}`);
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

type Health = { status: string; redis?: { connected: boolean; mode: string; master: string } };
const health = async (address: string) => (await fetch(`${base(address)}/health`)).json() as Promise<Health>;

describe('sessions on Redis Sentinel', () => {
  it('SIGKILL of the master during logins: every acknowledged session is readable after the failover, and the nodes follow the new master', async () => {
    const set = await startSentinelSet({ master: MASTER, replicas: [REPLICA], sentinels: SENTINELS, masterId: 'oxmaster' });
    for (const [route, address] of Object.entries(NODES)) {
      nodes.push(sessionNode({
        configDir: config.dir, address, route,
        set: {
          'com.openexchange.hazelcast.enabled': false,
          'com.openexchange.redis.enabled': true,
          'com.openexchange.redis.mode': 'sentinel',
          'com.openexchange.redis.hosts': SENTINELS.join(','),
          'com.openexchange.redis.sentinel.masterId': 'oxmaster',
          'com.openexchange.redis.waitForReplicas': 1,
          'com.openexchange.sessiond.redis.enabled': true,
          'com.openexchange.sessionstorage.hazelcast.enabled': false,
          'com.openexchange.sessiond.maxSessionPerUser': 0,
          'com.openexchange.sessiond.maxSession': 0,
        },
      }));
    }
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    for (const address of Object.values(NODES)) assert.equal((await health(address)).redis?.master, MASTER);

    const load = loginLoad(Object.values(NODES).map(base), USERS, (u) => `${u}-pw`);
    try {
      await waitFor('logins before the kill', () => load.acked.length >= 50, 30_000);
      await set.master.kill();
      await waitFor('the sentinels promote the replica', async () => (await redisCli(SENTINELS[0]!, 'SENTINEL', 'get-master-addr-by-name', 'oxmaster')).split('\n').join(':') === REPLICA, 30_000, 100);
      // The old master comes back as a replica of the new one: writes can be confirmed by a replica again.
      await set.master.restart();
      const afterFailover = load.acked.length;
      await waitFor('logins acknowledged on the new master', () => load.acked.length >= afterFailover + 50, 60_000);
    } finally {
      // Also when a step fails: the login loops would otherwise keep the test process alive.
      await load.stop();
    }

    for (const address of Object.values(NODES)) {
      await waitFor(`${address} on the new master`, async () => (await health(address)).redis?.master === REPLICA, 15_000);
    }
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
