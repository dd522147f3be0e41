import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { regionMBeans, regionObjectName } from '../../bundles/cache-jcs/management/regionMBean.js';
import { JcsCacheService } from '../../bundles/cache-jcs/region/cacheService.js';
import { captureLogger } from '../support/captureLogger.js';

describe('cache region MBeans', () => {
  it('shows a region\'s figures and lets an operator remove a key or clear it', async () => {
    const model = emptyCcfModel();
    model.regions.set('User', { ...model.defaults, name: 'User', maxObjects: 10 });
    const svc = new JcsCacheService({ model, logger: captureLogger().logger });
    const bean = regionMBeans(svc).get('com.openexchange.caching:type=Cache,name=User')!();
    const attr = (name: string) => bean.attributes.find((a) => a.name === name)!.get();
    const op = (name: string) => bean.operations!.find((o) => o.name === name)!;
    const user = svc.region<string>('User');
    user.put('a', 'A');
    user.put('b', 'B');
    user.get('a');
    user.get('zzz');
    assert.deepEqual(['Size', 'Hits', 'Misses', 'MaxObjects', 'Distributed'].map(attr), [2, 1, 1, 10, false]);
    await op('remove').invoke(['a']);
    assert.equal(user.get('a'), undefined);
    assert.equal(attr('Size'), 1);
    await op('clear').invoke([]);
    assert.equal(attr('Size'), 0);
  });

  it('names one MBean per region, regions created on first use included', () => {
    const model = emptyCcfModel();
    model.regions.set('User', { ...model.defaults, name: 'User' });
    const svc = new JcsCacheService({ model, logger: captureLogger().logger });
    assert.deepEqual([...regionMBeans(svc).keys()], ['com.openexchange.caching:type=Cache,name=User']);
    svc.region('Later');
    assert.deepEqual([...regionMBeans(svc).keys()].sort(), ['com.openexchange.caching:type=Cache,name=Later', 'com.openexchange.caching:type=Cache,name=User']);
  });

  it('quotes region names that hold ObjectName syntax', () => {
    assert.equal(regionObjectName('User'), 'com.openexchange.caching:type=Cache,name=User');
    assert.equal(regionObjectName('a,b=c*'), 'com.openexchange.caching:type=Cache,name="a,b=c\\*"');
  });
});
