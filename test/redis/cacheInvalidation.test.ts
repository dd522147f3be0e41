import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CacheCluster } from '../support/cacheCluster.js';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { RedisProcess, removeAllRedis } from '../support/redisServers.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Redis on 127.0.19.60:6379, nodes OX61..OX63 on 127.0.19.61..63 with no grid:
// cache invalidation goes over the Redis channel ox-channel:cacheEvents.
const REDIS = '127.0.19.60:6379';
const HOSTS = ['127.0.19.61', '127.0.19.62', '127.0.19.63'];
const ROUTES = ['OX61', 'OX62', 'OX63'];
const config = tempConfig();
const clients = HOSTS.map((h) => new CacheClient(h));
const cluster = new CacheCluster(clients, ROUTES, 15_000);
const nodes: NodeProcess[] = [];
let redis: RedisProcess;

before(async () => {
  redis = await RedisProcess.start(REDIS);
  for (const [i, host] of HOSTS.entries()) {
    nodes.push(new NodeProcess({
      configDir: config.dir,
      label: ROUTES[i],
      set: {
        'com.openexchange.server.backendRoute': ROUTES[i]!,
        'com.openexchange.connector.networkListenerHost': host,
        'kernel.bundles.path': cacheDriverBundlesPath,
        'com.openexchange.hazelcast.enabled': false,
        'com.openexchange.redis.enabled': true,
        'com.openexchange.redis.hosts': REDIS,
        'com.openexchange.redis.cacheInvalidation': true,
      },
    }));
  }
  await Promise.all(nodes.map((n) => n.ready(30_000)));
});

after(async () => {
  await killAll();
  await removeAllRedis();
  config.remove();
});

describe('cache invalidation over Redis pub/sub (three real nodes, no grid)', { timeout: 120_000 }, () => {
  it('runs in redis-channel mode', async () => {
    assert.equal((await clients[0]!.info()).mode, 'redis-channel');
    assert.match(nodes[0]!.output(), /cache invalidation over Redis standalone 127\.0\.19\.60:6379 channel ox-channel:cacheEvents/);
  });

  it('a remove or update on one node reaches the other two; new keys and local regions do not propagate', () => cluster.checkPropagation());

  it('after a Redis restart every node clears its distributed regions and says so, then invalidates again', async () => {
    for (const i of [0, 1, 2]) {
      await cluster.put(i, 'User', 'before-restart', 'v');
      await cluster.put(i, 'OXMessageCache', 'local', 'v');
    }
    redis = await redis.restart();
    for (const node of nodes) await node.waitForLine(/ox-channel:cacheEvents: the pub\/sub connection to .* was lost and is back; invalidations sent meanwhile are lost, so \d+ distributed regions were cleared locally \(.*User.*\)/, 20_000);
    for (const c of clients) {
      assert.equal(await c.get('User', 'before-restart'), undefined, `${c.host} cleared User`);
      assert.equal(await c.get('OXMessageCache', 'local'), 'v', `${c.host} kept its local region`);
    }
    await cluster.put(1, 'User', 'after', 'v');
    await cluster.put(2, 'User', 'after', 'v');
    await waitFor('the publishing node connected again', async () => {
      await clients[0]!.remove('User', 'after');
      return (await clients[1]!.get('User', 'after')) === undefined && (await clients[2]!.get('User', 'after')) === undefined;
    }, 15_000, 100);
  });
});
