import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MBeanSet } from '../../bundles/management/server/mbeanSet.js';
import { DefaultMBeanServer } from '../../bundles/management/server/mbeanServer.js';
import { counterMBean } from './counterMBean.js';

describe('MBean server', () => {
  it('registers under the canonical name and finds by pattern', () => {
    const server = new DefaultMBeanServer();
    server.register('test:type=Counter,name=a', counterMBean());
    server.register('test:name=b,type=Counter', counterMBean());
    server.register('other:type=Thing', counterMBean());
    assert.equal(server.isRegistered('test:name=a,type=Counter'), true);
    assert.equal(server.isRegistered('not a name'), false);
    assert.deepEqual(server.query('test:*'), ['test:name=a,type=Counter', 'test:name=b,type=Counter']);
    assert.deepEqual(server.query('*:type=Thing'), ['other:type=Thing']);
    assert.deepEqual(server.query('test:type=Counter,name=a'), ['test:name=a,type=Counter']);
    assert.deepEqual(server.query('test:type=Nope,*'), []);
  });

  it('refuses duplicates, patterns and unknown names', () => {
    const server = new DefaultMBeanServer();
    server.register('test:type=Counter', counterMBean());
    assert.throws(() => server.register('test:type=Counter', counterMBean()), { name: 'javax.management.InstanceAlreadyExistsException' });
    assert.throws(() => server.register('test:type=*', counterMBean()), { name: 'javax.management.MalformedObjectNameException' });
    assert.throws(() => server.unregister('test:type=Gone'), { name: 'javax.management.InstanceNotFoundException' });
    server.unregister('test:type=Counter');
    assert.equal(server.isRegistered('test:type=Counter'), false);
  });

  it('reads and writes typed attributes', () => {
    const server = new DefaultMBeanServer();
    const bean = counterMBean();
    server.register('test:type=Counter', bean);
    assert.equal(server.getAttribute('test:type=Counter', 'Label'), 'start');
    assert.equal(server.setAttribute('test:type=Counter', 'Label', 'next'), 'start');
    assert.equal(bean.state.label, 'next');
    server.setAttribute('test:type=Counter', 'Ratio', '2.5', true);
    assert.equal(server.getAttribute('test:type=Counter', 'Count'), 10);
    assert.throws(() => server.setAttribute('test:type=Counter', 'Count', 3), { name: 'javax.management.AttributeNotFoundException', message: /read-only/ });
    assert.throws(() => server.setAttribute('test:type=Counter', 'Ratio', 'abc'), { name: 'java.lang.IllegalArgumentException', message: /not a valid double/ });
    assert.throws(() => server.setAttribute('test:type=Counter', 'Label', 'forbidden'), { name: 'java.lang.IllegalArgumentException', message: /refused/ });
    assert.throws(() => server.getAttribute('test:type=Counter', 'Nope'), { name: 'javax.management.AttributeNotFoundException' });
    assert.throws(() => server.getAttribute('test:type=Counter', 'Broken'), { name: 'javax.management.MBeanException', message: /sensor unplugged/ });
    assert.throws(() => server.getAttribute('test:type=Missing', 'Count'), { name: 'javax.management.InstanceNotFoundException' });
  });

  it('invokes operations with converted arguments, by arity or by signature', async () => {
    const server = new DefaultMBeanServer();
    const bean = counterMBean();
    server.register('test:type=Counter', bean);
    assert.equal(await server.invoke('test:type=Counter', 'add', [5]), 5);
    assert.equal(await server.invoke('test:type=Counter', 'add', ['2', '3'], true), 11);
    assert.equal(await server.invoke('test:type=Counter', 'add(int,int)', [1, 1]), 12);
    assert.equal(await server.invoke('test:type=Counter', 'join', [['a', 'b'], true]), 'A+B');
    assert.equal(await server.invoke('test:type=Counter', 'join', ['x,y', 'false'], true), 'x+y');
    assert.equal(await server.invoke('test:type=Counter', 'reset', []), null);
    assert.equal(bean.state.count, 0);
    await assert.rejects(server.invoke('test:type=Counter', 'add', ['five']), { name: 'java.lang.IllegalArgumentException', message: /argument 1 \(n\) of add.*not a valid int/ });
    await assert.rejects(server.invoke('test:type=Counter', 'add', [2 ** 31]), { name: 'java.lang.IllegalArgumentException' });
    await assert.rejects(server.invoke('test:type=Counter', 'add', [1.5]), { name: 'java.lang.IllegalArgumentException' });
    await assert.rejects(server.invoke('test:type=Counter', 'add', [1, 2, 3]), { name: 'java.lang.IllegalArgumentException', message: /overloaded/ });
    await assert.rejects(server.invoke('test:type=Counter', 'join', [[1], true]), { name: 'java.lang.IllegalArgumentException' });
    await assert.rejects(server.invoke('test:type=Counter', 'add(long)', [1]), { name: 'javax.management.ReflectionException' });
    await assert.rejects(server.invoke('test:type=Counter', 'nope', []), { name: 'javax.management.ReflectionException' });
    await assert.rejects(server.invoke('test:type=Counter', 'fail', []), { name: 'javax.management.MBeanException', message: /disk full/ });
  });

  it('keeps a changing set of MBeans in step through a refresher', () => {
    const server = new DefaultMBeanServer();
    const set = new MBeanSet(server);
    let names = ['a', 'b'];
    let created = 0;
    server.addRefresher(() => set.sync(new Map(names.map((n) => [`test:type=Item,name=${n}`, () => { created += 1; return counterMBean(); }]))));
    assert.deepEqual(server.query('test:*'), ['test:name=a,type=Item', 'test:name=b,type=Item']);
    names = ['b', 'c'];
    assert.deepEqual(server.query('test:*'), ['test:name=b,type=Item', 'test:name=c,type=Item']);
    assert.equal(created, 3, 'an MBean that stays is not created again');
    set.clear();
    names = [];
    assert.deepEqual(server.query('test:*'), []);
  });
});
