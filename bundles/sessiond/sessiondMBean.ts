import type { MBean, MBeanServer } from '../management/api.js';
import type { SessiondService } from './api.js';

/** Open-Xchange's name for the sessiond MBean. */
export const SESSIOND_MBEAN = 'com.openexchange.sessiond:name=SessionD Toolkit';

/** Session counts of this node, for Jolokia and `oxk stats`. Returns a function that unregisters it. */
export function registerSessiondMBean(server: MBeanServer, sessiond: SessiondService, limits: { maxSession: number; maxSessionPerUser: number }): () => void {
  const mbean: MBean = {
    className: 'com.openexchange.sessiond.impl.SessiondMBeanImpl',
    description: 'Sessions held by this node',
    attributes: [
      { name: 'NumberOfShortTermSessions', type: 'int', description: 'Active sessions', get: () => sessiond.counts().shortTerm },
      { name: 'NumberOfLongTermSessions', type: 'int', description: 'Idle sessions in the long-term container', get: () => sessiond.counts().longTerm },
      { name: 'MaxSession', type: 'int', description: 'com.openexchange.sessiond.maxSession (0: unlimited)', get: () => limits.maxSession },
      { name: 'MaxSessionPerUser', type: 'int', description: 'com.openexchange.sessiond.maxSessionPerUser (0: unlimited)', get: () => limits.maxSessionPerUser },
    ],
  };
  server.register(SESSIOND_MBEAN, mbean);
  return () => {
    if (server.isRegistered(SESSIOND_MBEAN)) server.unregister(SESSIOND_MBEAN);
  };
}
