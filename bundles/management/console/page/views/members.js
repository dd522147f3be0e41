// Members: address, route, versions, kind, partitions, heartbeat age, heap and RSS; this node's bundles.
import { bytes, count, ms, sortedBy, text } from '../format.js';
import { html } from '../html.js';
import { Missing, Table } from '../ui.js';

const kind = (m) => (m.liteMember ? 'lite' : m.dataMember === false ? 'no data' : 'data');

export function MembersView({ snap }) {
  if (!snap.cluster) return html`<${Missing} what="this node has no grid MBeans" />`;
  const members = sortedBy(snap.members, 'address');
  const active = snap.bundles.filter((b) => b.State === 'ACTIVE').length;
  return html`
    <${Table} caption=${`Members of cluster ${text(snap.cluster.groupName)}`} rows=${members} rowKey=${(m) => m.address} rowAttrs=${(m) => ({ 'data-member': m.address })}
      empty="No members: the grid has not joined yet."
      columns=${[
        { title: 'Address', cell: (m) => html`${m.address}${m.master ? html` <span class="badge">master</span>` : ''}${m.localMember ? html` <span class="badge">this node</span>` : ''}` },
        { title: 'Route', cell: (m) => text(m.route) },
        { title: 'Version', cell: (m) => `${text(m.codebaseVersion)} (protocol ${text(m.version)})` },
        { title: 'Kind', cell: kind },
        { title: 'Group', cell: (m) => (m.partitionGroup === undefined ? 'n/a' : m.partitionGroup || '-') },
        { title: 'Owned', num: true, cell: (m) => count(m.ownedPartitionCount) },
        { title: 'Backups', num: true, cell: (m) => count(m.backupPartitionCount) },
        // A member does not hear its own heartbeat: "0.00 ms" there would read as a measurement.
        { title: 'Heartbeat age', num: true, cell: (m) => (m.localMember ? '-' : ms(m.heartbeatAgeMs)) },
        { title: 'Heap used / total', num: true, cell: (m) => `${bytes(m.heapUsed)} / ${bytes(m.heapTotal)}` },
        { title: 'RSS', num: true, cell: (m) => bytes(m.rss) },
      ]} />
    <p>Node ${text(snap.node.Route)}: ${count(snap.bundles.length)} bundles, ${count(active)} active;
      heap ${bytes(snap.node.HeapMemoryUsage?.used)} of ${bytes(snap.node.HeapMemoryUsage?.committed)};
      up ${ms(snap.node.Uptime)}. <a href="#bundles">Bundles of this node</a></p>`;
}
