// Sessions: counts and storage of this node; a user's sessions, ending one or all of them.
import { count, text, time } from '../format.js';
import { html } from '../html.js';
import { ActionButton, LookupForm, Missing, Stats, Table } from '../ui.js';

function UserSessions({ list, user, reset }) {
  if (!Array.isArray(list)) return html`<${Missing} what="this node cannot list sessions" />`;
  return html`<${Table} caption=${`Sessions of ${user}`} rows=${list} rowKey=${(s) => s.sessionId} empty=${`User ${user} has no sessions.`}
      columns=${[
        { title: 'Session', cell: (s) => html`<code>${s.sessionId}</code>` },
        { title: 'Client', cell: (s) => text(s.client) },
        { title: 'Created', cell: (s) => time(s.created) },
        { title: 'Node', cell: (s) => text(s.route) },
        { title: 'Actions', cell: (s) => html`<${ActionButton} label="End" title=${`End session ${s.sessionId}`} danger action="session.end" fields=${{ sessionId: s.sessionId }}
          question=${`The user is logged out of session ${s.sessionId} on every node.`} onResult=${reset} done=${() => `session ${s.sessionId} ended`} />` },
      ]} />
    ${list.length > 0 && html`<${ActionButton} label="End all" title=${`End every session of ${user}`} danger action="sessions.endUser" fields=${{ user }}
      question=${`All ${list.length} sessions of ${user} end on every node.`} onResult=${reset} done=${(n) => `${n} sessions of ${user} ended`} />`}`;
}

export function SessionsView({ snap }) {
  const s = snap.sessions;
  if (!s) return html`<${Missing} what="the sessiond bundle does not run on this node" />`;
  return html`
    <${Stats} items=${[
      [`Active on ${text(snap.node.Route)}`, count(s.NumberOfShortTermSessions)],
      ['Long-term (idle)', count(s.NumberOfLongTermSessions)],
      ['Limit', s.MaxSession === 0 ? 'unlimited' : count(s.MaxSession)],
      ['Storage', text(s.Storage)],
    ]} />
    <${LookupForm} label="User" placeholder="login name" action="sessions.list" field="user">
      ${(list, user, reset) => html`<${UserSessions} list=${list} user=${user} reset=${reset} />`}
    <//>`;
}
