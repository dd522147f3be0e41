// The console's shell: navigation (hash routes), the live connection banner, the theme toggle.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api.js';
import { html } from './html.js';
import { useLive } from './live.js';
import { Notices } from './ui.js';
import { BundlesView } from './views/bundles.js';
import { CachesView } from './views/caches.js';
import { ClusterView } from './views/cluster.js';
import { MapsView } from './views/maps.js';
import { MembersView } from './views/members.js';
import { PartitionsView } from './views/partitions.js';
import { RedisView } from './views/redis.js';
import { SessionsView } from './views/sessions.js';
import { UpgradeView } from './views/upgrade.js';

const VIEWS = [
  { id: 'cluster', title: 'Cluster', view: ClusterView },
  { id: 'members', title: 'Members', view: MembersView },
  { id: 'partitions', title: 'Partitions', view: PartitionsView },
  { id: 'maps', title: 'Maps', view: MapsView },
  { id: 'caches', title: 'Topics & caches', view: CachesView },
  { id: 'sessions', title: 'Sessions', view: SessionsView },
  { id: 'bundles', title: 'Bundles', view: BundlesView },
  { id: 'upgrade', title: 'Upgrade', view: UpgradeView },
  { id: 'redis', title: 'Redis', view: RedisView, when: (s) => s.redis !== null },
];

const THEMES = ['auto', 'light', 'dark'];

function useHashRoute() {
  const current = () => location.hash.replace(/^#/, '') || 'cluster';
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function ThemeToggle() {
  const [theme, setTheme] = useState(() => localStorage.getItem('oxk-console-theme') ?? 'auto');
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem('oxk-console-theme', theme);
  }, [theme]);
  const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  return html`<button type="button" class="theme" onClick=${() => setTheme(next)} aria-label=${`Colour theme: ${theme}; switch to ${next}`}>Theme: ${theme}</button>`;
}

function Banner({ connection }) {
  if (connection === 'lost') {
    return html`<div class="banner" role="alert">Lost the connection to node ${session.route}: it may be down or restarting. Reconnecting…</div>`;
  }
  if (connection === 'stale') return html`<div class="banner" role="alert">No data from node ${session.route} for a few seconds.</div>`;
  return null;
}

function App() {
  const live = useLive('/monitoring/console/events');
  const route = useHashRoute();
  const snap = live.snapshot;
  const views = VIEWS.filter((v) => !v.when || (snap && v.when(snap)));
  const active = views.find((v) => v.id === route) ?? views[0];
  useEffect(() => { document.title = `${active.title} · oxkernel console · ${session.route}`; }, [active]);
  return html`
    <header>
      <h1>oxkernel <span class="muted">console</span></h1>
      <p class="who">node <strong>${session.route}</strong> · user ${session.user}
        <span class=${`live live-${live.connection}`}>${live.connection}</span></p>
      <${ThemeToggle} />
    </header>
    <nav aria-label="Views"><ul>${views.map((v) => html`<li><a href=${`#${v.id}`} aria-current=${v === active ? 'page' : undefined}>${v.title}</a></li>`)}</ul></nav>
    <${Banner} connection=${live.connection} />
    <${Notices} />
    <main id="view" data-view=${active.id} class=${live.connection === 'live' ? '' : 'outdated'} tabindex="-1">
      <h2>${active.title}</h2>
      ${snap ? html`<${active.view} snap=${snap} charts=${live.charts} seq=${live.seq} />` : html`<p class="loading">Waiting for the first data from ${session.route}…</p>`}
    </main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "Loading" line the page shows until this module runs
render(html`<${App} />`, root);
