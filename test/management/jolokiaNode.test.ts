import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IJolokiaSimple } from '@jolokia.js/simple';
import type { NodeProcess } from '../support/nodeProcess.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { CREDENTIALS, GET, jolokiaClient, jolokiaUrl, managementNode } from './managementNode.js';

// Real nodes: 127.0.8.11 (Jolokia on, --expose-gc), 127.0.8.12 (no credentials: Jolokia off), 127.0.8.13 (hazelcast.jmx=false).
const MAIN = '127.0.8.11';
const NO_CREDS = '127.0.8.12';
const NO_JMX = '127.0.8.13';

interface Failure { status: number; error_type: string; error: string }

describe('Jolokia on a running node, through jolokia.js', () => {
  const config = tempConfig();
  let main: NodeProcess;
  let noCreds: NodeProcess;
  let noJmx: NodeProcess;
  let j: IJolokiaSimple;

  before(async () => {
    main = managementNode({ configDir: config.dir, address: MAIN, route: 'OX11', env: { NODE_OPTIONS: '--expose-gc' } });
    noCreds = managementNode({ configDir: config.dir, address: NO_CREDS, route: 'OX12', credentials: null });
    noJmx = managementNode({ configDir: config.dir, address: NO_JMX, route: 'OX13', set: { 'com.openexchange.hazelcast.jmx': false } });
    await Promise.all([main.ready(30_000), noCreds.ready(30_000), noJmx.ready(30_000)]);
    j = jolokiaClient(MAIN);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('answers version', async () => {
    const v = await j.version();
    assert.equal(v.protocol, '8.0');
    assert.equal(typeof v.agent, 'string');
  });

  it('reads an attribute with an inner path by GET, and whole attributes by POST', async () => {
    const r = await j.request({ type: 'read', mbean: 'java.lang:type=Memory', attribute: 'HeapMemoryUsage', path: 'used' }, GET) as { status: number; value: number };
    assert.equal(r.status, 200);
    assert.ok(r.value > 0, `heap used ${r.value}`);
    const heap = await j.getAttribute('java.lang:type=Memory', 'HeapMemoryUsage') as { used: number; committed: number };
    assert.ok(heap.committed >= heap.used / 2 && heap.used > 0);
    assert.equal(await j.getAttribute('com.openexchange.kernel:type=Kernel', 'Route'), 'OX11');
  });

  it('searches: one Bundle MBean per bundle the kernel reports', async () => {
    const states = await j.getAttribute('com.openexchange.kernel:type=Kernel', 'BundleStates') as Record<string, string>;
    assert.equal(states.management, 'ACTIVE');
    const found = await j.search('com.openexchange.kernel:type=Bundle,*');
    assert.deepEqual(found, Object.keys(states).sort().map((b) => `com.openexchange.kernel:name=${b},type=Bundle`));
    assert.deepEqual(await j.search('nothing.here:*'), []);
  });

  it('lists MBeans with their attribute and operation types', async () => {
    const kernel = await j.list('com.openexchange.kernel/type=Kernel') as { attr: Record<string, { type: string; rw: boolean }>; op: Record<string, { args: { type: string }[]; ret: string }> };
    assert.equal(kernel.attr.Uptime.type, 'long');
    assert.deepEqual(kernel.op.bundleState.args.map((a) => a.type), ['java.lang.String']);
    const metrics = await j.list('com.openexchange.management/type=Metrics/attr/Enabled') as { type: string; rw: boolean };
    assert.deepEqual([metrics.type, metrics.rw], ['boolean', true]);
  });

  it('executes operations by POST and GET', async () => {
    assert.equal(await j.execute('com.openexchange.kernel:type=Kernel', 'bundleState', 'http'), 'ACTIVE');
    const r = await j.request({ type: 'exec', mbean: 'com.openexchange.kernel:type=Kernel', operation: 'bundleState(java.lang.String)', arguments: ['management'] }, GET) as { value: string };
    assert.equal(r.value, 'ACTIVE');
  });

  it('writes a writable attribute, and the node acts on it', async () => {
    const metricsUrl = `http://${MAIN}:8009/metrics`;
    assert.equal((await fetch(metricsUrl)).status, 200);
    assert.equal(await j.setAttribute('com.openexchange.management:type=Metrics', 'Enabled', false), true, 'write answers the previous value');
    assert.equal((await fetch(metricsUrl)).status, 404);
    await j.request({ type: 'write', mbean: 'com.openexchange.management:type=Metrics', attribute: 'Enabled', value: true }, GET);
    assert.equal((await fetch(metricsUrl)).status, 200);
  });

  it('shows the grid as Hazelcast MBeans', async () => {
    const instance = await waitFor('a cluster-safe HazelcastInstance MBean', async () => {
      const all = await j.getAttribute('com.hazelcast:type=HazelcastInstance,*') as Record<string, { clusterSafe: boolean; memberCount: number; partitionCount: number; name: string }>;
      const one = Object.values(all)[0];
      return one?.clusterSafe ? { objectName: Object.keys(all)[0], ...one } : undefined;
    }, 20_000);
    assert.equal(instance.objectName, 'com.hazelcast:name=OX11,type=HazelcastInstance');
    assert.equal(instance.name, 'OX11');
    assert.equal(instance.memberCount, 1);
    const members = await j.search('com.hazelcast:type=Member,*');
    assert.deepEqual(members, [`com.hazelcast:instance=OX11,name="${MAIN}:5701",type=Member`]);
    const owned = await j.getAttribute(members[0], 'ownedPartitionCount');
    assert.equal(owned, instance.partitionCount);
    const maps = await j.getAttribute('com.hazelcast:type=IMap,*') as Record<string, Record<string, unknown>>;
    const sessions = maps['com.hazelcast:instance=OX11,name=sessions,type=IMap'];
    assert.ok(sessions, `the sessions map: ${Object.keys(maps).join(', ')}`);
    for (const attr of ['localOwnedEntryCount', 'localBackupEntryCount', 'localHits', 'localPutOperationCount']) assert.equal(typeof sessions[attr], 'number', attr);
    assert.equal(await j.execute('com.hazelcast:instance=OX11,name=sessions,type=IMap', 'size'), sessions.localOwnedEntryCount);
  });

  it('runs a full garbage collection (MemoryMXBean.gc) on a node started with --expose-gc, and says so on one without', async () => {
    assert.equal(await j.execute('java.lang:type=Memory', 'gc'), null);
    const without = await jolokiaClient(NO_JMX).request({ type: 'exec', mbean: 'java.lang:type=Memory', operation: 'gc' }) as unknown as Failure;
    assert.equal(without.status, 400);
    assert.equal(without.error_type, 'java.lang.UnsupportedOperationException');
    assert.match(without.error, /--expose-gc/);
  });

  it('answers bad requests with Jolokia error JSON and the right status', async () => {
    const responses = await j.request([
      { type: 'read', mbean: 'com.example:type=Nope', attribute: 'X' },
      { type: 'read', mbean: 'com.openexchange.kernel:type=Kernel', attribute: 'Nope' },
      { type: 'read', mbean: 'not an object name', attribute: 'X' },
      { type: 'exec', mbean: 'com.openexchange.kernel:type=Kernel', operation: 'bundleState', arguments: [{ not: 'a string' }] },
      { type: 'exec', mbean: 'com.openexchange.kernel:type=Kernel', operation: 'bundleState', arguments: ['no-such-bundle'] },
      { type: 'exec', mbean: 'com.openexchange.kernel:type=Kernel', operation: 'bundleState', arguments: [] },
      { type: 'write', mbean: 'com.openexchange.management:type=Metrics', attribute: 'Enabled', value: 'maybe' },
      { type: 'read', mbean: 'java.lang:type=Runtime', attribute: 'Pid' },
    ]) as unknown as Failure[];
    assert.deepEqual(responses.map((r) => r.status), [404, 404, 400, 400, 400, 400, 400, 200]);
    assert.deepEqual(responses.slice(0, 4).map((r) => r.error_type), [
      'javax.management.InstanceNotFoundException', 'javax.management.AttributeNotFoundException',
      'javax.management.MalformedObjectNameException', 'java.lang.IllegalArgumentException',
    ]);
    assert.match(responses[4].error, /no bundle named 'no-such-bundle'/);
    await assert.rejects(j.getAttribute('com.example:type=Nope', 'X'), (err: unknown) => /InstanceNotFoundException/.test(String(err)));
    const raw = await fetch(`${jolokiaUrl(MAIN)}/`, { method: 'POST', body: '{"type":', headers: authHeader(CREDENTIALS.user, CREDENTIALS.password) });
    assert.equal(raw.status, 200);
    assert.equal((await raw.json() as Failure).status, 400);
    assert.ok(main.running, 'the node survived every bad request');
  });

  it('refuses missing or wrong credentials with a bare 401', async () => {
    const wrong = jolokiaClient(MAIN, { user: CREDENTIALS.user, password: 'wrong' });
    await assert.rejects(wrong.version(), (err: unknown) => err instanceof Response && err.status === 401);
    for (const headers of [{}, authHeader('intruder', CREDENTIALS.password), authHeader(CREDENTIALS.user, 'wrong')]) {
      const res = await fetch(`${jolokiaUrl(MAIN)}/version`, { headers });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      assert.equal(await res.text(), '', 'no detail in a 401');
    }
    // Three requests with wrong credentials from one address: logged once for the minute.
    await main.waitForLine(/Jolokia: wrong credentials from 127\.0\.0\.1; refused with 401/);
    assert.equal(main.lines.filter((l) => /Jolokia: wrong credentials/.test(l)).length, 1);
  });

  it('stays off without credentials, saying so in the log', async () => {
    await noCreds.waitForLine(/Jolokia is off: com\.openexchange\.jolokia\.user and com\.openexchange\.jolokia\.password must both be set/);
    const res = await fetch(`${jolokiaUrl(NO_CREDS)}/version`, { headers: authHeader(CREDENTIALS.user, CREDENTIALS.password) });
    assert.equal(res.status, 404);
  });

  it('registers no grid MBeans with com.openexchange.hazelcast.jmx=false', async () => {
    await noJmx.waitForLine(/grid MBeans \(com\.hazelcast:\*\) off: com\.openexchange\.hazelcast\.jmx=false/);
    const other = jolokiaClient(NO_JMX);
    assert.deepEqual(await other.search('com.hazelcast:*'), []);
    assert.ok((await other.search('com.openexchange.kernel:*')).length > 0);
  });
});

function authHeader(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
