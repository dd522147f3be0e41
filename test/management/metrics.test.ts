import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { PrometheusExporter } from '../../bundles/management/metrics/prometheus.js';
import { DefaultMBeanServer } from '../../bundles/management/server/mbeanServer.js';
import { ObjectName } from '../../bundles/management/server/objectName.js';
import type { NodeProcess } from '../support/nodeProcess.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { counterMBean } from './counterMBean.js';
import { jolokiaClient, managementNode } from './managementNode.js';

// A node on 127.0.8.21; /metrics is checked with promtool (Debian package `prometheus`).
const ADDRESS = '127.0.8.21';

function promtool(text: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail('promtool is missing: install the Debian package "prometheus" (apt-get install -y prometheus)');
  }
  if (r.error) throw r.error;
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The value of one sample line `name{labels} value`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === wanted) return Number(m[3]);
  }
  return undefined;
}

describe('Prometheus /metrics', () => {
  const config = tempConfig();
  let node: NodeProcess;

  before(async () => {
    node = managementNode({ configDir: config.dir, address: ADDRESS, route: 'OX21' });
    await node.ready(30_000);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('passes promtool check metrics', async () => {
    const res = await fetch(`http://${ADDRESS}:8009/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const check = promtool(text);
    assert.equal(check.code, 0, `promtool check metrics failed:\n${check.output}`);
  });

  it('carries the same figures as Jolokia', async () => {
    const j = jolokiaClient(ADDRESS);
    const member = `com.hazelcast:instance=OX21,name=${ObjectName.quote(`${ADDRESS}:5701`)},type=Member`;
    await waitFor('all partitions owned by the only member', async () => (await j.getAttribute(member, 'ownedPartitionCount')) === 271, 20_000);
    const bundles = await j.getAttribute('com.openexchange.kernel:type=Kernel', 'BundleCount') as number;
    const text = await (await fetch(`http://${ADDRESS}:8009/metrics`)).text();
    assert.equal(sample(text, 'com_hazelcast_member_owned_partitioncount', { instance: 'OX21', name: `${ADDRESS}:5701` }), 271);
    assert.equal(sample(text, 'com_openexchange_kernel_kernel_bundlecount', {}), bundles);
    assert.equal(sample(text, 'com_openexchange_kernel_bundle_active', { name: 'management' }), 1);
    const owned = await j.getAttribute('com.hazelcast:instance=OX21,name=sessions,type=IMap', 'localOwnedEntryCount');
    assert.equal(sample(text, 'com_hazelcast_imap_local_owned_entrycount', { instance: 'OX21', name: 'sessions' }), owned);
    assert.equal(sample(text, 'com_hazelcast_hazelcast_instance_cluster_safe', { name: 'OX21' }), 1);
    assert.equal(sample(text, 'com_hazelcast_partition_service_owned_partition_counts', { instance: 'OX21', name: 'OX21', key: `${ADDRESS}:5701` }), 271);
    assert.ok((sample(text, 'java_lang_memory_heap_memory_usage', { key: 'used' }) ?? 0) > 0, 'heap used, a map entry as a labelled sample');
  });

  it('writes names and label values promtool accepts, whatever the MBean names hold', async () => {
    const server = new DefaultMBeanServer();
    server.register(`odd.domain-1:type=Meter,name=${ObjectName.quote('quote " back\\ slash, colon: star*')},camelKey=x`, counterMBean());
    server.register('odd.domain-1:type=Meter,name=plain', counterMBean());
    server.register('9starts.with.digit:kind=x', counterMBean());
    const text = await new PrometheusExporter(server).text();
    assert.equal(sample(text, 'odd_domain_1_meter_count', { name: 'plain', camel_key: '' }), undefined, 'a reserved suffix is not used');
    assert.equal(sample(text, 'odd_domain_1_metercount', { name: 'plain', camel_key: '' }), 0);
    assert.match(text, /^odd_domain_1_meter_ratio\{/m);
    const check = promtool(text);
    assert.equal(check.code, 0, `promtool check metrics failed:\n${check.output}\n${text}`);
  });
});
