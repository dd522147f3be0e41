// Maps: sizes, entries, memory, hits, ops/s and latency charts, a key look-up, clear with the name typed.
import { useState } from 'preact/hooks';
import { LineChart } from '../chart.js';
import { bytes, count, ms, rate, sortedBy, text, time, yesNo } from '../format.js';
import { html } from '../html.js';
import { ActionButton, LookupForm, Table } from '../ui.js';

function EntryView({ view, asked }) {
  if (!view || view.found === false) return html`<p class="not-found">Key <code>${asked}</code>: not found.</p>`;
  return html`<dl class="entry">
    <dt>Key</dt><dd><code>${view.key}</code></dd>
    <dt>Value (${bytes(view.valueBytes)}${view.truncated ? ', preview truncated' : ''})</dt><dd><pre class="preview">${text(view.valuePreview)}</pre></dd>
    <dt>TTL</dt><dd>${view.ttlMs === -1 ? 'none' : ms(view.ttlMs)}</dd>
    <dt>Idle</dt><dd>${ms(view.idleMs)}</dd>
    <dt>Hits</dt><dd>${count(view.hits)}</dd>
    <dt>Owner</dt><dd>${text(view.owner)}</dd>
    <dt>Created / last access / last update</dt><dd>${time(view.creationTime)} / ${time(view.lastAccessTime)} / ${time(view.lastUpdateTime)}</dd>
    <dt>Truncated</dt><dd>${yesNo(view.truncated)}</dd>
  </dl>`;
}

function MapDetail({ map, series }) {
  const empty = { t: [], v: [] };
  return html`<section class="detail" aria-label=${`map ${map.name}`}>
    <h3>Map ${map.name}</h3>
    <div class="charts">
      <${LineChart} key=${`${map.name}-ops`} title="Operations" unit="ops/s" points=${series ? { t: series.t, v: series.ops } : empty} />
      <${LineChart} key=${`${map.name}-lat`} title="Mean latency" unit="ms" points=${series ? { t: series.t, v: series.latency } : empty} />
    </div>
    <${LookupForm} label="Key" placeholder="a key of this map" action="map.entry" field="key" extra=${{ map: map.name }}>
      ${(view, asked) => html`<${EntryView} view=${view} asked=${asked} />`}
    <//>
    <${ActionButton} label="Clear map" title=${`Clear map ${map.name}`} danger action="map.clear" fields=${{ map: map.name }} typed=${map.name}
      question=${`Every entry of ${map.name} is removed on every member. This cannot be undone.`} done=${() => `map ${map.name} cleared`} />
  </section>`;
}

export function MapsView({ snap, charts }) {
  const [selected, setSelected] = useState(null);
  const maps = sortedBy(snap.maps, 'name');
  const current = maps.find((m) => m.name === selected) ?? maps[0];
  return html`
    <${Table} caption="Maps (this member's share; size is cluster-wide)" rows=${maps} rowKey=${(m) => m.name} rowAttrs=${(m) => ({ 'data-map': m.name })}
      empty="No maps on this cluster yet."
      columns=${[
        { title: 'Name', cell: (m) => html`<button type="button" class="link" aria-pressed=${m === current} onClick=${() => setSelected(m.name)}>${m.name}</button>` },
        { title: 'Size', num: true, cell: (m) => count(m.size) },
        { title: 'Owned', num: true, cell: (m) => count(m.localOwnedEntryCount) },
        { title: 'Backup', num: true, cell: (m) => count(m.localBackupEntryCount) },
        { title: 'Memory', num: true, cell: (m) => bytes(m.localOwnedEntryMemoryCost) },
        { title: 'Hits', num: true, cell: (m) => count(m.localHits) },
        { title: 'Ops/s', num: true, cell: (m) => rate(m.opsPerSec) },
        { title: 'Latency', num: true, cell: (m) => ms(m.latencyMs) },
      ]} />
    ${current && html`<${MapDetail} key=${current.name} map=${current} series=${charts.maps.get(current.name)} />`}`;
}
