// Sessions: counts per node and storage; a user's sessions, ending one or all of them.
import { count, text, time } from '../format.js';
import { html } from '../html.js';
import { ActionButton, LookupForm, Missing, Stats, Table } from '../ui.js';

function UserSessions({ list, user, refresh }) {
  if (!Array.isArray(list)) return html`<${Missing} what="this node cannot list sessions" />`;
  return html`<${Table} caption=${`Sessions of ${user}`} rows=${list} rowKey=${(s) => s.sessionId} rowAttrs=${(s) => ({ 'data-session': s.sessionId })}
      empty=${`User ${user} has no sessions.`}
      columns=${[
        { title: 'Session', cell: (s) => html`<code>${s.sessionId}</code>` },
        { title: 'Client', cell: (s) => text(s.client) },
        { title: 'Created', cell: (s) => time(s.created) },
        { title: 'Node', cell: (s) => text(s.route) },
        { title: 'Actions', cell: (s) => html`<${ActionButton} label="End" title=${`End session ${s.sessionId}`} danger action="session.end" fields=${{ sessionId: s.sessionId }}
          question=${`The user is logged out of session ${s.sessionId} on every node.`} onResult=${refresh} done=${() => `session ${s.sessionId} ended`} />` },
      ]} />
    ${list.length > 0 && html`<${ActionButton} label="End all" title=${`End every session of ${user}`} danger action="sessions.endUser" fields=${{ user }}
      question=${`All ${list.length} sessions of ${user} end on every node.`} onResult=${refresh} done=${(n) => `${n} sessions of ${user} ended`} />`}`;
}

/** One row per member, plus nodes that still have sessions in the storage but left the cluster. */
function perNodeRows(snap, perNode) {
  const rows = snap.members.filter((m) => typeof m.route === 'string').map((m) => ({ route: m.route, member: m.address, count: perNode[m.route] ?? 0 }));
  const members = new Set(rows.map((r) => r.route));
  for (const [route, n] of Object.entries(perNode)) if (!members.has(route)) rows.push({ route, member: null, count: n });
  return rows.sort((a, b) => a.route.localeCompare(b.route));
}

function PerNode({ snap, storage }) {
  const perNode = snap.sessions.perNode;
  if (!perNode) return html`<${Missing} what=${`sessions per node: storage ${storage} cannot count its sessions, or holds more than 100,000`} />`;
  return html`<${Table} caption=${`Sessions per node of login (${storage} storage, counted every 5 s)`} rows=${perNodeRows(snap, perNode)} rowKey=${(r) => r.route}
    rowAttrs=${(r) => ({ 'data-sessions-of': r.route })}
    columns=${[
      { title: 'Node', cell: (r) => r.route },
      { title: 'Member', cell: (r) => (r.member ? r.member : html`<span class="warn-text">left the cluster</span>`) },
      { title: 'Sessions', num: true, cell: (r) => count(r.count) },
    ]} />`;
}

export function SessionsView({ snap }) {
  const s = snap.sessions;
  if (!s) return html`<${Missing} what="the sessiond bundle does not run on this node" />`;
  return html`
    <${Stats} items=${[
      [`Active on ${text(snap.node.Route)}`, count(s.NumberOfShortTermSessions)],
      ['Long-term (idle)', count(s.NumberOfLongTermSessions)],
      ['Limit per node', s.MaxSession === 0 ? 'unlimited' : count(s.MaxSession)],
      ['Storage', text(s.Storage)],
    ]} />
    <${PerNode} snap=${snap} storage=${text(s.Storage)} />
    <${LookupForm} label="User" placeholder="login name" action="sessions.list" field="user">
      ${(list, user, refresh) => html`<${UserSessions} list=${list} user=${user} refresh=${refresh} />`}
    <//>`;
}
