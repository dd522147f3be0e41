// Upgrade: the cluster version, each member's versions, and the progress of a running `oxk upgrade`.
import { text, time } from '../format.js';
import { html } from '../html.js';
import { Missing, Stats, Table } from '../ui.js';

function Progress({ progress }) {
  if (!progress || typeof progress !== 'object') return html`<${Missing} what="this member does not report rolling-upgrade progress" />`;
  const nodes = Array.isArray(progress.nodes) ? progress.nodes : [];
  return html`
    <${Stats} items=${[
      ['Upgrade', html`<span class=${`badge upgrade-${progress.state}`}>${text(progress.state)}</span>`, progress.state === 'failed' ? 'warn' : ''],
      ['Step', text(progress.step)],
      ['Started', time(progress.startedAt)],
      ['Updated', time(progress.updatedAt)],
    ]} />
    ${progress.error && html`<p class="warn-text">Error: ${progress.error}</p>`}
    <${Table} caption="Nodes of the upgrade" rows=${nodes} rowKey=${(n) => n.route} empty="No upgrade has run since the cluster started."
      columns=${[{ title: 'Route', cell: (n) => n.route }, { title: 'State', cell: (n) => n.state }, { title: 'Message', cell: (n) => text(n.message) }]} />`;
}

export function UpgradeView({ snap }) {
  const c = snap.cluster;
  return html`
    ${c ? html`<${Stats} items=${[['Cluster version', text(c.clusterVersion)], ['Cluster state', text(c.clusterState)]]} />` : ''}
    <${Table} caption="Versions per member" rows=${snap.members} rowKey=${(m) => m.address} rowAttrs=${(m) => ({ 'data-version-of': m.address })} empty="No members: the grid has not joined yet."
      columns=${[
        { title: 'Member', cell: (m) => m.address },
        { title: 'Route', cell: (m) => text(m.route) },
        { title: 'Codebase', cell: (m) => text(m.codebaseVersion) },
        { title: 'Protocol', cell: (m) => text(m.version) },
      ]} />
    <h3>Rolling upgrade</h3>
    <${Progress} progress=${snap.upgrade?.Progress} />`;
}
