// Redis health of this node's client (shown only when the redis bundle runs).
import { count, ms, text, yesNo } from '../format.js';
import { html } from '../html.js';
import { Stats } from '../ui.js';

export function RedisView({ snap }) {
  const r = snap.redis;
  return html`<${Stats} items=${[
    ['Connected', yesNo(r.Connected), r.Connected === false ? 'warn' : ''],
    ['Mode', text(r.Mode)],
    ['Server', text(r.Master)],
    ['Commands', count(r.Commands)],
    ['Errors', count(r.Errors), r.Errors > 0 ? 'warn' : ''],
    ['Mean latency', ms(r.LatencyMeanMillis)],
    ['p99 latency', ms(r.LatencyP99Millis)],
    ['Last error', text(r.LastError)],
  ]} />`;
}
