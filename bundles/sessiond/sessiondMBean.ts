import type { MBean } from '../management/api.js';
import type { SessiondService } from './api.js';

/** Open-Xchange's name for the sessiond MBean. */
export const SESSIOND_MBEAN = 'com.openexchange.sessiond:name=SessionD Toolkit';

/** Session counts of this node, for Jolokia and `oxk stats` (contributed to management's MBEANS point). */
export function sessiondMBean(sessiond: SessiondService, limits: { readonly maxSession: number; readonly maxSessionPerUser: number }): MBean {
  return {
    className: 'com.openexchange.sessiond.impl.SessiondMBeanImpl',
    description: 'Sessions held by this node',
    attributes: [
      { name: 'NumberOfShortTermSessions', type: 'int', description: 'Active sessions', get: () => sessiond.counts().shortTerm },
      { name: 'NumberOfLongTermSessions', type: 'int', description: 'Idle sessions in the long-term container', get: () => sessiond.counts().longTerm },
      { name: 'MaxSession', type: 'int', description: 'com.openexchange.sessiond.maxSession (0: unlimited)', get: () => limits.maxSession },
      { name: 'MaxSessionPerUser', type: 'int', description: 'com.openexchange.sessiond.maxSessionPerUser (0: unlimited)', get: () => limits.maxSessionPerUser },
    ],
  };
}
