import { type MBean, MBeanArgumentError } from '../management/api.js';
import type { Session, SessiondService } from './api.js';

/** Open-Xchange's name for the sessiond MBean. */
export const SESSIOND_MBEAN = 'com.openexchange.sessiond:name=SessionD Toolkit';

/** Longest user name or session id the operations take (login names are at most 256 characters). */
const MAX_ARGUMENT = 256;

function text(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ARGUMENT) throw new MBeanArgumentError(`${what} must be 1 to ${MAX_ARGUMENT} characters, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

/** The per-node count scans the whole storage: at most once in this time, however many consoles ask. */
const COUNT_EVERY_MS = 5000;
/** Above this many sessions the storage is not scanned for per-node counts (the operation answers null). */
export const COUNT_LIMIT = 100_000;

/** `fn`'s result shared by every call within `everyMs` of the call that ran it. */
function throttled<T>(everyMs: number, fn: () => Promise<T>): () => Promise<T> {
  let last: { at: number; result: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= everyMs) last = { at: Date.now(), result: fn() };
    return last.result;
  };
}

/** What operators see of a session: never its secret. */
function describe(s: Session): Record<string, unknown> {
  return { sessionId: s.id, user: s.user, client: s.client, created: s.createdAt, route: s.origin };
}

/**
 * Session counts of this node, and the cluster's sessions of a user (listed and ended through the
 * session storage; ending is a logout, so every node drops them), for Jolokia, `oxk stats` and the
 * web console (contributed to management's MBEANS point).
 */
export function sessiondMBean(sessiond: SessiondService, limits: { readonly maxSession: number; readonly maxSessionPerUser: number }, storage: string): MBean {
  const countPerNode = throttled(COUNT_EVERY_MS, () => sessiond.countsPerNode(COUNT_LIMIT));
  return {
    className: 'com.openexchange.sessiond.impl.SessiondMBeanImpl',
    description: 'Sessions held by this node; a user\'s sessions in the cluster',
    attributes: [
      { name: 'NumberOfShortTermSessions', type: 'int', description: 'Active sessions', get: () => sessiond.counts().shortTerm },
      { name: 'NumberOfLongTermSessions', type: 'int', description: 'Idle sessions in the long-term container', get: () => sessiond.counts().longTerm },
      { name: 'MaxSession', type: 'int', description: 'com.openexchange.sessiond.maxSession (0: unlimited)', get: () => limits.maxSession },
      { name: 'MaxSessionPerUser', type: 'int', description: 'com.openexchange.sessiond.maxSessionPerUser (0: unlimited)', get: () => limits.maxSessionPerUser },
      { name: 'Storage', type: 'java.lang.String', description: 'Where sessions outlive this node: grid, redis, or none (node-local)', get: () => storage },
    ],
    operations: [
      {
        name: 'listUserSessions',
        description: 'The user\'s sessions in the cluster: {sessionId, user, client, created, route (node of the login)}',
        params: [{ name: 'user', type: 'java.lang.String' }],
        returnType: 'java.util.List',
        invoke: async ([user]) => (await sessiond.sessionsOf(text('user', user))).map(describe),
      },
      {
        name: 'countSessionsPerNode',
        description: `Sessions in the storage per node of their login ({route: count}); null when the storage cannot count them or holds more than ${COUNT_LIMIT}; counted at most every ${COUNT_EVERY_MS / 1000} s`,
        params: [],
        returnType: 'java.util.Map',
        invoke: () => countPerNode(),
      },
      {
        name: 'clearUserSessions',
        description: 'Logs the user out of every session in the cluster; returns how many ended',
        params: [{ name: 'user', type: 'java.lang.String' }],
        returnType: 'int',
        invoke: async ([user]) => {
          const sessions = await sessiond.sessionsOf(text('user', user));
          const ended = await Promise.all(sessions.map((s) => sessiond.logout(s.id)));
          return ended.filter(Boolean).length;
        },
      },
      {
        name: 'clearSession',
        description: 'Logs one session out on every node; false when it is unknown',
        params: [{ name: 'sessionId', type: 'java.lang.String' }],
        returnType: 'boolean',
        invoke: ([id]) => sessiond.logout(text('sessionId', id)),
      },
    ],
  };
}
