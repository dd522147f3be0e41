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
