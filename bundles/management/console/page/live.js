// The one live connection of the page: an EventSource on the node's stream, with bounded chart history.
import { useEffect, useState } from 'preact/hooks';

/** Points kept per chart series in the page (5 minutes at one snapshot a second). */
export const MAX_POINTS = 300;
/** Without a snapshot for this long the page says its data is stale. */
const STALE_MS = 3500;

function series() {
  return { t: [], ops: [], latency: [], publish: [] };
}

function push(s, t, values) {
  s.t.push(t);
  for (const [k, v] of Object.entries(values)) s[k].push(v ?? null);
  if (s.t.length > MAX_POINTS) for (const k of Object.keys(s)) s[k].splice(0, s[k].length - MAX_POINTS);
}

function fromHistory(h) {
  const charts = { maps: new Map(), topics: new Map() };
  for (const [name, points] of Object.entries(h.maps ?? {})) {
    const s = series();
    for (const p of points) push(s, p.t, { ops: p.ops, latency: p.latencyMs });
    charts.maps.set(name, s);
  }
  for (const [name, points] of Object.entries(h.topics ?? {})) {
    const s = series();
    for (const p of points) push(s, p.t, { publish: p.publishPerSec });
    charts.topics.set(name, s);
  }
  return charts;
}

/** Appends a snapshot's rates and drops the series of maps and topics that are gone. */
function addSnapshot(charts, snap) {
  const keep = (m, names) => { for (const k of m.keys()) if (!names.has(k)) m.delete(k); };
  for (const map of snap.maps) {
    if (!('opsPerSec' in map)) continue;
    if (!charts.maps.has(map.name)) charts.maps.set(map.name, series());
    push(charts.maps.get(map.name), snap.at, { ops: map.opsPerSec, latency: map.latencyMs });
  }
  for (const topic of snap.topics) {
    if (!('publishPerSec' in topic)) continue;
    if (!charts.topics.has(topic.name)) charts.topics.set(topic.name, series());
    push(charts.topics.get(topic.name), snap.at, { publish: topic.publishPerSec });
  }
  keep(charts.maps, new Set(snap.maps.map((m) => m.name)));
  keep(charts.topics, new Set(snap.topics.map((t) => t.name)));
}

/**
 * `{snapshot, charts, connection}`: connection is 'connecting', 'live', 'lost' (the node went
 * away: EventSource retries by itself) or 'stale' (connected, but no snapshot lately).
 */
export function useLive(url) {
  const [state, setState] = useState({ snapshot: null, charts: { maps: new Map(), topics: new Map() }, connection: 'connecting', seq: 0 });
  useEffect(() => {
    let source;
    let charts = { maps: new Map(), topics: new Map() };
    let lastAt = 0;
    let reopen;
    const update = (patch) => setState((s) => ({ ...s, ...patch, seq: s.seq + 1 }));
    const open = () => {
      source = new EventSource(url);
      source.addEventListener('open', () => update({ connection: 'live' }));
      source.addEventListener('history', (e) => { charts = fromHistory(JSON.parse(e.data)); });
      source.addEventListener('snapshot', (e) => {
        const snapshot = JSON.parse(e.data);
        addSnapshot(charts, snapshot);
        lastAt = Date.now();
        update({ snapshot, charts, connection: 'live' });
      });
      source.addEventListener('error', () => {
        update({ connection: 'lost' });
        // A refused stream (401 after a restart with new credentials, 503 when full) is not retried by EventSource.
        if (source.readyState === EventSource.CLOSED) reopen = setTimeout(open, 3000);
      });
    };
    open();
    const watchdog = setInterval(() => {
      setState((s) => (s.connection === 'live' && Date.now() - lastAt > STALE_MS ? { ...s, connection: 'stale' } : s));
    }, 1000);
    return () => {
      clearInterval(watchdog);
      clearTimeout(reopen);
      source.close();
    };
  }, [url]);
  return state;
}
