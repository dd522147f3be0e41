import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CacheClient, cacheDriverBundlesPath } from '../support/cacheDriver.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// One node on 127.0.7.31; a broken config is tried on 127.0.7.32 (cache block, this file's sub-range).
const HOST = '127.0.7.31';
/** The regions' clock is read at most every 10 ms, so an entry may go up to that much early. */
const CLOCK_SLACK_MS = 20;
const ccf = `
jcs.default=
jcs.default.cacheattributes=org.apache.jcs.engine.CompositeCacheAttributes
jcs.default.cacheattributes.MaxObjects=1000
jcs.default.cacheattributes.MemoryCacheName=org.apache.jcs.engine.memory.lru.LRUMemoryCache
jcs.default.elementattributes=org.apache.jcs.engine.ElementAttributes
jcs.default.elementattributes.IsEternal=false
jcs.region.Idle=
jcs.region.Idle.cacheattributes.UseMemoryShrinker=true
jcs.region.Idle.cacheattributes.ShrinkerIntervalSeconds=1
jcs.region.Idle.cacheattributes.MaxMemoryIdleTimeSeconds=-1
jcs.region.Idle.elementattributes.MaxLifeSeconds=-1
jcs.region.Idle.elementattributes.IdleTime=2
jcs.region.Life=
jcs.region.Life.elementattributes.MaxLifeSeconds=2
jcs.region.Life.elementattributes.IdleTime=-1
jcs.region.Eternal=
jcs.region.Eternal.elementattributes.IsEternal=true
jcs.region.Eternal.elementattributes.MaxLifeSeconds=1
jcs.region.Eternal.elementattributes.IdleTime=1
`;
const config = tempConfig({ 'cache.ccf': ccf });
const client = new CacheClient(HOST);
const sets = (host: string) => ({
  'com.openexchange.connector.networkListenerHost': host,
  'kernel.bundles.grid.enabled': false,
  'kernel.bundles.path': cacheDriverBundlesPath,
  'com.openexchange.jolokia.user': 'ops',
  'com.openexchange.jolokia.password': 'cache-test',
});

async function jolokia(path: string): Promise<{ status: number; value: unknown }> {
  const res = await fetch(`http://${HOST}:8009/monitoring/jolokia/${path}`, { headers: { authorization: `Basic ${Buffer.from('ops:cache-test').toString('base64')}` } });
  return (await res.json()) as { status: number; value: unknown };
}

describe('cache expiry and management on a real node', { timeout: 60_000 }, () => {
  before(async () => {
    await new NodeProcess({ configDir: config.dir, label: 'OX31', set: sets(HOST) }).ready(30_000);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('drops an entry idle for longer than IdleTime while a read one stays', async () => {
    const putAt = Date.now();
    await client.put('Idle', 'cold', 'v');
    await client.put('Idle', 'hot', 'v');
    await waitFor('the shrinker dropped the idle entry', async () => {
      assert.equal(await client.get('Idle', 'hot'), 'v');
      return (await client.stats('Idle')).size === 1;
    }, 20_000);
    assert.ok(Date.now() - putAt >= 2000 - CLOCK_SLACK_MS, `gone after ${Date.now() - putAt} ms, IdleTime is 2 s`);
    assert.equal(await client.get('Idle', 'cold'), undefined);
    assert.equal(await client.get('Idle', 'hot'), 'v');
  });

  it('drops an entry after MaxLifeSeconds even though it is read all the time; eternal entries stay', async () => {
    await client.put('Eternal', 'e', 'v');
    const putAt = Date.now();
    await client.put('Life', 'k', 'v');
    await waitFor('the entry outlived MaxLifeSeconds', async () => (await client.get('Life', 'k')) === undefined, 20_000);
    assert.ok(Date.now() - putAt >= 2000 - CLOCK_SLACK_MS, `gone after ${Date.now() - putAt} ms, MaxLifeSeconds is 2`);
    assert.ok((await client.stats('Life')).expirations >= 1);
    assert.equal(await client.get('Eternal', 'e'), 'v');
  });

  it('shows the region MBean over Jolokia and clears the region through its operation', async () => {
    await client.put('Eternal', 'x', 'v');
    const size = await jolokia('read/com.openexchange.caching:type=Cache,name=Eternal/Size');
    assert.equal(size.status, 200, JSON.stringify(size));
    assert.equal(size.value, (await client.stats('Eternal')).size);
    const cleared = await jolokia('exec/com.openexchange.caching:type=Cache,name=Eternal/clear');
    assert.equal(cleared.status, 200, JSON.stringify(cleared));
    assert.equal(await client.get('Eternal', 'x'), undefined);
    assert.equal((await jolokia('read/com.openexchange.caching:type=Cache,name=Eternal/Size')).value, 0);
  });

  it('a malformed cache.ccf is reported as file:line by config check, and the node refuses to start', async () => {
    const broken = tempConfig({ 'cache.ccf': `${ccf}jcs.region.Life.cacheattributes.MaxObjects=lots\njcs.region.Bad=NOPE\n` });
    try {
      const check = await runOxk(['config', 'check', '--config', broken.dir]);
      assert.equal(check.code, 2);
      assert.match(check.stdout, /^cache\.ccf:21 jcs\.region\.Life\.cacheattributes\.MaxObjects: "lots" is not an integer/m);
      assert.match(check.stdout, /^cache\.ccf:22 jcs\.region\.Bad: region Bad names unknown auxiliary NOPE/m);
      const start = await runOxk(['start', '--config', broken.dir, ...Object.entries(sets('127.0.7.32')).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
      assert.equal(start.code, 2);
      assert.match(start.stderr, /error: cache\.ccf:21 /);
    } finally {
      broken.remove();
    }
  });
});
