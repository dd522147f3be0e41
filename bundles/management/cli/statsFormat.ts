import type { ClusterStats } from './clusterStats.js';

/** Columns padded to their widest cell, two spaces apart; numbers right-aligned. No header line when `headers` is null. */
export function table(headers: string[] | null, rows: (string | number)[][]): string {
  const cells = [...(headers ? [headers] : []), ...rows.map((r) => r.map(String))];
  const columns = cells[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...cells.map((r) => r[i].length)));
  const numeric = Array.from({ length: columns }, (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

/** The terminal view of `oxk stats -c`. */
export function formatClusterStats(s: ClusterStats): string {
  const out: string[] = [];
  if (!s.cluster) {
    out.push(`Node ${s.route} (${s.url}): no grid MBeans (grid not active, or com.openexchange.hazelcast.jmx=false)`);
  } else {
    const c = s.cluster;
    out.push(`Cluster ${c.name} seen from ${s.route} (${s.url})`);
    out.push(table(null, [
      ['members', c.memberCount], ['master', c.master], ['version', c.version],
      ['cluster version', c.clusterVersion], ['cluster state', c.clusterState],
      ['cluster safe', yes(c.clusterSafe)], ['partitions', c.partitionCount],
      ['partitions lost', c.partitionsLost > 0 ? `${c.partitionsLost} (last ${new Date(c.lastPartitionLossTime).toISOString()})` : '0'],
    ]));
    out.push('', 'Members');
    out.push(table(
      ['address', 'route', 'version', 'master', 'type', 'owned', 'backups', 'codebase', ''],
      s.members.map((m) => [m.address, m.route, m.version, yes(m.master), m.kind, m.ownedPartitions, m.backupPartitions, m.codebase, m.local ? '(this node)' : '']),
    ));
    const owned = s.members.reduce((n, m) => n + m.ownedPartitions, 0);
    const backups = s.members.reduce((n, m) => n + m.backupPartitions, 0);
    out.push(`partitions owned: ${owned} of ${c.partitionCount}, backup replicas: ${backups}`);
  }
  out.push('', 'Maps');
  out.push(s.maps.length === 0 ? '(none)' : table(
    ['name', 'owned entries', 'backup entries', 'hits', 'gets', 'puts', 'removes'],
    s.maps.map((m) => [m.name, m.ownedEntries, m.backupEntries, m.hits, m.gets, m.puts, m.removes]),
  ));
  out.push('', 'Topics');
  out.push(s.topics.length === 0 ? '(none)' : table(['name', 'published', 'received', 'gaps'], s.topics.map((t) => [t.name, t.published, t.received, t.gaps])));
  out.push('', 'Cache regions');
  out.push(s.cacheRegions.length === 0 ? '(none)' : table(
    ['name', 'size', 'max objects', 'hits', 'misses', 'distributed'],
    s.cacheRegions.map((r) => [r.name, r.size, r.maxObjects, r.hits, r.misses, yes(r.distributed)]),
  ));
  return `${out.join('\n')}\n`;
}
