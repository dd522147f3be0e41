import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { regionObjectName, registerRegionMBean } from '../../bundles/cache-jcs/management/regionMBean.js';
import { JcsCacheService } from '../../bundles/cache-jcs/region/cacheService.js';
import type { MBean, MBeanServer } from '../../bundles/management/api.js';
import { captureLogger } from '../support/captureLogger.js';

function fakeServer() {
  const beans = new Map<string, MBean>();
  const server: Pick<MBeanServer, 'register' | 'unregister' | 'isRegistered'> = {
    register: (name, bean) => {
      if (beans.has(name)) throw new Error(`${name} already registered`);
      beans.set(name, bean);
    },
    unregister: (name) => beans.delete(name),
    isRegistered: (name) => beans.has(name),
  };
  return { server, beans };
}

describe('cache region MBeans', () => {
  it('shows a region\'s figures and lets an operator remove a key or clear it', async () => {
    const model = emptyCcfModel();
    model.regions.set('User', { ...model.defaults, name: 'User', maxObjects: 10 });
    const svc = new JcsCacheService({ model, logger: captureLogger().logger });
    const { server, beans } = fakeServer();
    const unregister = registerRegionMBean(server, svc.all()[0]!);
    const bean = beans.get('com.openexchange.caching:type=Cache,name=User')!;
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
    unregister();
    assert.equal(beans.size, 0);
  });

  it('quotes region names that hold ObjectName syntax', () => {
    assert.equal(regionObjectName('User'), 'com.openexchange.caching:type=Cache,name=User');
    assert.equal(regionObjectName('a,b=c*'), 'com.openexchange.caching:type=Cache,name="a,b=c\\*"');
  });
});
