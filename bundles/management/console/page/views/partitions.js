// Partitions: one cell per partition coloured by owner; backups, migrations and missing backups visible.
import { useState } from 'preact/hooks';
import { count } from '../format.js';
import { html } from '../html.js';
import { Missing, Table } from '../ui.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6', '#d37295', '#a0cbe8'];

function Legend({ colours, routes }) {
  return html`<ul class="legend">
    ${[...colours].map(([address, colour]) => html`<li><span class="swatch" style=${`background:${colour}`}></span>${address} ${routes.get(address) ?? ''}</li>`)}
    <li><span class="swatch cell-none"></span>no owner</li>
    <li><span class="swatch cell-migrating"></span>migrating</li>
    <li><span class="swatch cell-short"></span>missing a backup</li>
  </ul>`;
}

function describe(p, routes) {
  const name = (a) => `${a}${routes.has(a) ? ` (${routes.get(a)})` : ''}`;
  return `partition ${p.id}: owner ${p.owner ? name(p.owner) : 'none'}; backups ${p.backups.length ? p.backups.map(name).join(', ') : 'none'}${p.migrating ? '; migrating' : ''}`;
}

export function PartitionsView({ snap }) {
  const [picked, setPicked] = useState('');
  const p = snap.partitions;
  if (!p) return html`<${Missing} what="this node has no partition service MBean" />`;
  const routes = new Map(snap.members.map((m) => [m.address, m.route]));
  const colours = new Map([...routes.keys()].sort().map((a, i) => [a, PALETTE[i % PALETTE.length]]));
  const counts = Object.entries(p.ownedPartitionCounts ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([address, owned]) => ({ address, owned, backups: p.backupPartitionCounts?.[address] }));
  const summary = html`<${Table} caption="Partitions per member" rows=${counts} rowKey=${(r) => r.address} rowAttrs=${(r) => ({ 'data-partitions-of': r.address })} empty="No member owns partitions yet."
    columns=${[{ title: 'Member', cell: (r) => `${r.address} ${routes.get(r.address) ?? ''}` }, { title: 'Owned', num: true, cell: (r) => count(r.owned) }, { title: 'Backups', num: true, cell: (r) => count(r.backups) }]} />`;
  const table = Array.isArray(p.partitionTable) ? p.partitionTable : null;
  if (!table) return html`${summary}<${Missing} what="this member does not report its partition table (needs a newer member)" />`;
  const wantedBackups = Math.max(0, ...table.map((x) => x.backups.length));
  const chosen = table.find((x) => String(x.id) === picked.trim());
  const groups = Array.isArray(p.partitionGroups) ? p.partitionGroups : [];
  return html`
    <${Legend} colours=${colours} routes=${routes} />
    <div class="partition-grid" role="img" aria-label=${`${table.length} partitions coloured by owner`}>
      ${table.map((x) => html`<span key=${x.id} class=${`cell${x.owner ? '' : ' cell-none'}${x.migrating ? ' cell-migrating' : ''}${x.backups.length < wantedBackups ? ' cell-short' : ''}`}
        data-partition=${x.id} data-owner=${x.owner} title=${describe(x, routes)} style=${x.owner ? `background:${colours.get(x.owner) ?? '#888'}` : ''}></span>`)}
    </div>
    <form class="lookup" onSubmit=${(e) => e.preventDefault()}>
      <label>Partition <input inputmode="numeric" value=${picked} onInput=${(e) => setPicked(e.currentTarget.value)} placeholder="0-${table.length - 1}" /></label>
      <output>${chosen ? describe(chosen, routes) : ''}</output>
    </form>
    ${summary}
    ${groups.length > 0 && html`<${Table} caption="Partition groups (custom)" rows=${groups} rowKey=${(g) => g.name}
      columns=${[{ title: 'Group', cell: (g) => g.name }, { title: 'Members', cell: (g) => g.members.join(', ') }]} />`}`;
}
