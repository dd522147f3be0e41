// Bundles, Felix web console style: state, version, origin, dependencies; start, stop, restart.
import { sortedBy } from '../format.js';
import { html } from '../html.js';
import { ActionButton, Table } from '../ui.js';

const list = (v) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '-');
const RUNNING = new Set(['ACTIVE', 'STARTING']);

/** Running bundles that require a service of `name`, directly or through each other: they stop before it. */
function dependents(bundles, name) {
  const stopping = new Set([name]);
  for (let grown = true; grown;) {
    grown = false;
    const provided = new Set(bundles.filter((p) => stopping.has(p.Name)).flatMap((p) => p.Provides ?? []));
    for (const b of bundles) {
      if (stopping.has(b.Name) || !RUNNING.has(b.State) || !(b.Requires ?? []).some((s) => provided.has(s))) continue;
      stopping.add(b.Name);
      grown = true;
    }
  }
  stopping.delete(name);
  return [...stopping];
}

function Actions({ b, bundles }) {
  const running = RUNNING.has(b.State);
  const others = running ? dependents(bundles, b.Name) : [];
  const first = others.length > 0 ? `${others.join(', ')} (requiring its services) stop first` : 'no other bundle requires its services';
  const offered = b.State !== 'DISABLED';
  // Start and Stop share one slot: the button stays in the page when it flips, and keeps the keyboard focus.
  return html`<span class="buttons">
    ${offered && (running
    ? html`<${ActionButton} label="Stop" title=${`Stop bundle ${b.Name}`} danger action="bundle.stop" fields=${{ bundle: b.Name }}
      question=${`Stops ${b.Name} on this node; ${first}.`} done=${(r) => `bundle ${b.Name} stopped${r?.stopped?.length > 1 ? ` (with ${r.stopped.filter((n) => n !== b.Name).join(', ')})` : ''}`} />`
    : html`<${ActionButton} label="Start" title=${`Start bundle ${b.Name}`} action="bundle.start" fields=${{ bundle: b.Name }}
      question=${`Starts ${b.Name}, then the bundles stopped with it.`} done=${() => `bundle ${b.Name} started`} />`)}
    ${running && html`<${ActionButton} label="Restart" title=${`Restart bundle ${b.Name}`} action="bundle.restart" fields=${{ bundle: b.Name }}
      question=${`Stops and starts ${b.Name} on this node; ${others.length > 0 ? `${others.join(', ')} stop and start with it` : 'no other bundle requires its services'}.`} done=${() => `bundle ${b.Name} restarted`} />`}
  </span>`;
}

export function BundlesView({ snap }) {
  const bundles = sortedBy(snap.bundles, 'Name');
  return html`<${Table} caption=${`Bundles of node ${snap.node.Route ?? ''}`} rows=${bundles} rowKey=${(b) => b.Name}
    rowAttrs=${(b) => ({ 'data-bundle': b.Name, 'data-state': b.State })} empty="No bundles reported."
    columns=${[
      { title: 'Name', cell: (b) => b.Name },
      { title: 'State', cls: 'state', cell: (b) => html`<span class=${`badge bundle-${b.State}`}>${b.State}</span>${b.Reason ? html`<br /><small>${b.Reason}</small>` : ''}` },
      { title: 'Version', cell: (b) => b.Version },
      { title: 'Origin', cell: (b) => `${b.BuiltIn ? 'built-in' : 'custom'}: ${b.Source ?? ''}` },
      { title: 'Requires', cell: (b) => list([...(b.Requires ?? []), ...(b.OptionalRequires ?? []).map((s) => `${s}?`)]) },
      { title: 'Provides', cell: (b) => list(b.Provides) },
      { title: 'Actions', cell: (b) => html`<${Actions} b=${b} bundles=${bundles} />` },
    ]} />`;
}
