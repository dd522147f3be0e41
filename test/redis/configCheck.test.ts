import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

const configs: { remove(): void }[] = [];
after(() => configs.forEach((c) => c.remove()));

/** `oxk config check` on the stock config with `redis.properties` replaced by `text`. */
async function check(text: string) {
  const config = tempConfig({ 'redis.properties': text });
  configs.push(config);
  const r = await runOxk(['config', 'check', '--config', config.dir]);
  return { code: r.code, out: r.stdout + r.stderr };
}

const bundlesOf = async (text: string) => {
  const config = tempConfig({ 'redis.properties': text });
  configs.push(config);
  return (await runOxk(['bundles', '--config', config.dir])).stdout;
};

describe('oxk config check: Redis configurations that make sense together', () => {
  it('the stock config (grid only) is valid; the grid storage runs and the Redis storage is switched off by its property', async () => {
    assert.equal((await check('')).code, 0);
    const table = await bundlesOf('');
    assert.match(table, /sessionstorage-grid\s+1\.0\.0\s+RESOLVED/);
    assert.match(table, /sessionstorage-redis\s+1\.0\.0\s+DISABLED\s+switched off by com\.openexchange\.sessiond\.redis\.enabled \(false by default\)/);
  });

  it('both storages on is refused with file:line key: reason', async () => {
    const r = await check('com.openexchange.redis.enabled=true\ncom.openexchange.sessiond.redis.enabled=true\n');
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /^redis\.properties:2 com\.openexchange\.sessiond\.redis\.enabled: sessions cannot be kept in Redis and in the grid at once: set com\.openexchange\.sessionstorage\.hazelcast\.enabled=false \(default\)$/m);
  });

  it('the Redis storage or Redis invalidation without Redis is refused', async () => {
    const r = await check('com.openexchange.sessionstorage.hazelcast.enabled=false\ncom.openexchange.sessiond.redis.enabled=true\ncom.openexchange.redis.cacheInvalidation=true\n');
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /^redis\.properties:2 com\.openexchange\.sessiond\.redis\.enabled: sessions in Redis need com\.openexchange\.redis\.enabled=true \(default\)$/m);
    assert.match(r.out, /^redis\.properties:3 com\.openexchange\.redis\.cacheInvalidation: cache invalidation over Redis needs com\.openexchange\.redis\.enabled=true \(default\)$/m);
  });

  it('bad hosts, a wrong mode and a database in cluster mode are refused; a misspelled key is warned about', async () => {
    const r = await check('com.openexchange.redis.enabled=true\ncom.openexchange.redis.mode=cluster\ncom.openexchange.redis.hosts=a:1,b:99999\ncom.openexchange.redis.database=2\ncom.openexchange.redis.sentinel.mastrId=x\n');
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /^redis\.properties:3 com\.openexchange\.redis\.hosts: "b:99999": port must be 1\.\.65535$/m);
    assert.match(r.out, /^redis\.properties:4 com\.openexchange\.redis\.database: Redis Cluster has only database 0$/m);
    assert.match(r.out, /redis\.properties:5 com\.openexchange\.redis\.sentinel\.mastrId: unknown property in the namespace of bundle "redis"; did you mean com\.openexchange\.redis\.sentinel\.masterId\?/);
    const mode = await check('com.openexchange.redis.mode=replicated\n');
    assert.equal(mode.code, 2, mode.out);
    assert.match(mode.out, /redis\.properties:1 com\.openexchange\.redis\.mode: /);
  });

  it('Redis only (no grid) and both (grid for maps, Redis for sessions) are valid, with the storage bundles switched accordingly', async () => {
    const redisOnly = 'com.openexchange.redis.enabled=true\ncom.openexchange.sessiond.redis.enabled=true\ncom.openexchange.sessionstorage.hazelcast.enabled=false\n';
    assert.equal((await check(`${redisOnly}com.openexchange.hazelcast.enabled=false\ncom.openexchange.redis.cacheInvalidation=true\n`)).code, 0);
    assert.equal((await check(redisOnly)).code, 0);
    const table = await bundlesOf(redisOnly);
    assert.match(table, /sessionstorage-grid\s+1\.0\.0\s+DISABLED\s+switched off by com\.openexchange\.sessionstorage\.hazelcast\.enabled=false \(redis\.properties:3\)/);
    assert.match(table, /sessionstorage-redis\s+1\.0\.0\s+RESOLVED/);
  });
});
