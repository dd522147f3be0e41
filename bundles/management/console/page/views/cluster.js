// Cluster: name, versions, state (with the switch), safety, members, migrations, skew, lost partitions.
import { useState } from 'preact/hooks';
import { count, ms, text, time, yesNo } from '../format.js';
import { html } from '../html.js';
import { ActionButton, Missing, Stats, Table } from '../ui.js';

const STATES = ['ACTIVE', 'NO_MIGRATION', 'FROZEN', 'PASSIVE'];

function StateSwitch({ current }) {
  const [wanted, setWanted] = useState(STATES.find((s) => s !== current) ?? 'ACTIVE');
  return html`<div class="state-switch">
    <label>New cluster state <select value=${wanted} onChange=${(e) => setWanted(e.currentTarget.value)}>
      ${STATES.map((s) => html`<option value=${s} disabled=${s === current}>${s}</option>`)}
    </select></label>
    <${ActionButton} label="Change state" title=${`Change the cluster state to ${wanted}`} action="cluster.state" fields=${{ state: wanted }}
      question=${`Every member switches from ${current} to ${wanted}. FROZEN and PASSIVE stop migrations and joins; PASSIVE also refuses writes.`}
      done=${(r) => `cluster state is now ${r}`} />
  </div>`;
}

export function ClusterView({ snap }) {
  const c = snap.cluster;
  const p = snap.partitions ?? {};
  if (!c) return html`<${Missing} what="this node has no grid MBeans (grid off, or com.openexchange.hazelcast.jmx=false)" />`;
  const skews = Array.isArray(c.clockSkewWarnings) ? c.clockSkewWarnings : null;
  return html`
    <${Stats} items=${[
      // The grid's effective cluster name: the configured group name, then the protocol's major version.
      ['Cluster (group name-major)', text(c.groupName)],
      ['Cluster version', text(c.clusterVersion)],
      ['Codebase version', text(c.codebaseVersion)],
      ['State', html`<span class=${`badge state-${c.clusterState}`} data-testid="cluster-state">${text(c.clusterState)}</span>`],
      ['Cluster safe', yesNo(c.clusterSafe), c.clusterSafe === false ? 'warn' : ''],
      ['Members', count(c.memberCount)],
      ['Master', text(c.master)],
      ['Migrations running', count(p.migrationsRunning)],
      ['Partitions lost', count(p.partitionsLost), p.partitionsLost > 0 ? 'warn' : ''],
      ['Last partition loss', p.lastPartitionLossTime === 0 ? 'none' : time(p.lastPartitionLossTime)],
    ]} />
    <${StateSwitch} current=${c.clusterState} />
    <h3>Clock-skew warnings</h3>
    ${skews === null
      ? html`<${Missing} what="this member does not report clock skew" />`
      : html`<${Table} rows=${skews} rowKey=${(s) => s.member} empty="No clock skew above the threshold."
          columns=${[{ title: 'Member', cell: (s) => s.member }, { title: 'Skew', num: true, cell: (s) => ms(s.skewMs) }, { title: 'Since', cell: (s) => time(s.since) }]} />`}`;
}
