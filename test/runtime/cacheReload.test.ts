import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CACHE_SERVICE, type CacheService } from '../../bundles/cache-jcs/api.js';
import { defineBundle } from '../../core/bundle.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

// In-process, no addresses: cache-jcs without a grid keeps its regions local.
const ccf = (maxObjects: number, maxLife: number) => [
  'jcs.default=',
  'jcs.default.cacheattributes.MaxObjects=100',
  'jcs.region.User=',
  `jcs.region.User.cacheattributes.MaxObjects=${maxObjects}`,
  `jcs.region.User.elementattributes.MaxLifeSeconds=${maxLife}`,
  '',
].join('\n');

let running: TestKernel | undefined;
after(() => running?.stop());

describe('cache region sizes and lifetimes reloaded on a running node', () => {
  it('oxk config reload of cache.ccf shrinks a live region (least recently used go) and changes its lifetime; a broken file is refused', async () => {
    let cache: CacheService | undefined;
    const user = defineBundle({ name: 'cache-user', version: '1', deps: { cache: CACHE_SERVICE }, start(services) { cache = services.cache; } });
    running = await startTestKernel({
      bundles: ['cache-jcs', user],
      config: { 'com.openexchange.caching.jcs.eventInvalidation': 'false' },
      files: { 'cache.ccf': ccf(10, 600) },
    });
    const region = cache!.region<string>('User');
    for (let i = 0; i < 10; i++) region.put(`k${i}`, `v${i}`);
    for (const key of ['k0', 'k1']) region.get(key);

    writeFileSync(join(running.configDir, 'cache.ccf'), ccf(4, 30));
    const report = await running.kernel.reloadConfig();
    assert.deepEqual(report.refused, []);
    const settings = cache!.region('User') as unknown as { settings: { maxObjects: number; maxLifeSeconds: number } };
    assert.deepEqual([settings.settings.maxObjects, settings.settings.maxLifeSeconds], [4, 30]);
    const kept = Array.from({ length: 10 }, (_, i) => `k${i}`).filter((k) => region.get(k) !== undefined);
    assert.deepEqual(kept, ['k0', 'k1', 'k8', 'k9'], 'the four most recently used stay');
    assert.ok(running.logs.some((l) => /cache\.ccf reloaded: new settings for region\(s\) User/.test(l)), running.logs.join('\n'));

    writeFileSync(join(running.configDir, 'cache.ccf'), `${ccf(2, 5)}jcs.region.User.cacheattributes.MaxObjects=many\n`);
    const broken = await running.kernel.reloadConfig();
    assert.equal(broken.refused.length, 1, JSON.stringify(broken));
    assert.equal(broken.refused[0].key, '(files)');
    assert.match(broken.refused[0].reason, /bundle "cache-jcs" refused the files: cache\.ccf:6 /);
    assert.deepEqual([settings.settings.maxObjects, settings.settings.maxLifeSeconds], [4, 30], 'the old settings stay');
  });
});
