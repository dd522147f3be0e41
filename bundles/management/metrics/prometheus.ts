import { Gauge, Registry } from 'prom-client';
import type { MBeanAttribute, MetricCollector } from '../api.js';
import type { DefaultMBeanServer, RegisteredMBean } from '../server/mbeanServer.js';
import { ObjectName } from '../server/objectName.js';

interface Family {
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

/**
 * Prometheus text for every numeric and boolean MBean attribute, named like the JMX exporter but in
 * snake case: `<domain>_<type>_<attribute>`, the other key properties as labels. A map attribute
 * holding numbers (HeapMemoryUsage) gives one sample per entry, labelled `key`. An attribute named
 * `...Ms` is a duration in ms and goes out in seconds (`..._seconds`). Every figure is a gauge: an
 * MBean attribute does not say whether it only grows.
 */
export class PrometheusExporter {
  readonly contentType = new Registry().contentType;

  constructor(private readonly server: DefaultMBeanServer, private readonly collectors: () => readonly MetricCollector[] = () => []) {}

  async text(): Promise<string> {
    const families = new Map<string, Family>();
    for (const bean of this.server.find(ObjectName.parse('*:*'))) addBean(families, bean);
    for (const collector of this.collectors()) addCollector(families, collector);
    const registry = new Registry();
    for (const [name, family] of families) {
      const labelNames = [...new Set(family.samples.flatMap((s) => Object.keys(s.labels)))].sort();
      const gauge = new Gauge({ name, help: family.help, labelNames, registers: [registry] });
      for (const s of family.samples) gauge.set(Object.fromEntries(labelNames.map((l) => [l, s.labels[l] ?? ''])), s.value);
    }
    const text = await registry.metrics();
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}

function addBean(families: Map<string, Family>, bean: RegisteredMBean): void {
  const type = bean.name.getKeyProperty('type');
  const prefix = [bean.name.domain, type ? ObjectName.unquote(type) : ''].filter(Boolean).join('_');
  const labels: Record<string, string> = {};
  for (const [key, value] of bean.name.properties) if (key !== 'type') labels[metricName(key)] = ObjectName.unquote(value);
  for (const attr of bean.mbean.attributes) {
    // A duration in ms (`heartbeatAgeMs`) goes out in Prometheus's base unit: `heartbeat_age_seconds`.
    const inMs = /[a-z0-9]Ms$/.test(attr.name);
    const name = metricName(`${prefix}_${inMs ? `${attr.name.slice(0, -2)}Seconds` : attr.name}`);
    for (const [key, value] of numbers(attr)) {
      const family = families.get(name) ?? { help: `${attr.description ?? attr.name} (${bean.name.domain} ${type ?? ''})`.trim(), samples: [] };
      family.samples.push({ labels: key === undefined ? labels : { ...labels, key }, value: inMs ? value / 1000 : value });
      families.set(name, family);
    }
  }
}

/** A contributed collector's samples; one that throws or clashes with an MBean's family is left out of this scrape. */
function addCollector(families: Map<string, Family>, collector: MetricCollector): void {
  if (families.has(collector.name) || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(collector.name)) return;
  try {
    const samples = collector.collect().map((s) => ({ labels: s.labels ?? {}, value: s.value }));
    families.set(collector.name, { help: collector.help, samples });
  } catch {
    // A collector of a stopping bundle may fail once; the next scrape no longer asks it.
  }
}

/** The attribute's numeric readings (a map's under their key); one that cannot be read right now is left out. */
function numbers(attr: MBeanAttribute): [string | undefined, number][] {
  if (!['int', 'long', 'double', 'boolean', 'java.util.Map'].includes(attr.type)) return [];
  let value: unknown;
  try {
    value = attr.get();
  } catch {
    return [];
  }
  if (typeof value === 'boolean') return [[undefined, value ? 1 : 0]];
  if (typeof value === 'number' && Number.isFinite(value)) return [[undefined, value]];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
  }
  return [];
}

function snake(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]{2,})([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/**
 * Snake case; a name ending in a suffix Prometheus reserves for counters, histograms and summaries
 * (`_count`, `_total`, `_sum`, `_bucket`) keeps the JMX word whole instead: `local_owned_entrycount`.
 */
function metricName(text: string): string {
  return snake(text).replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^([0-9])/, '_$1')
    .replace(/_(count|total|sum|bucket)$/, '$1');
}
