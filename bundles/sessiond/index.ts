import { defineBundle, property } from '../../core/bundle.js';
import { MBEAN_SERVER } from '../management/api.js';
import { SESSION_LONG_LIFETIME, SESSION_STORAGE, SESSIOND_SERVICE } from './api.js';
import { Sessiond } from './sessiond.js';
import { registerSessiondMBean } from './sessiondMBean.js';

const config = {
  'com.openexchange.sessiond.sessionDefaultLifeTime': property({
    doc: 'Idle time after which a session moves from the short-term to the long-term container (ms or 120s, 5m, 1h ...)',
    format: 'duration',
    default: 3_600_000,
  }),
  ...SESSION_LONG_LIFETIME,
  'com.openexchange.sessiond.maxSession': property({
    doc: 'Most sessions this node holds; further logins are refused (0: unlimited)',
    format: 'nat',
    default: 5000,
  }),
  'com.openexchange.sessiond.maxSessionPerUser': property({
    doc: 'Most sessions one user holds on this node; further logins of that user are refused (0: unlimited)',
    format: 'nat',
    default: 100,
  }),
  'com.openexchange.sessiond.tokenLoginTimeout': property({
    doc: 'How long the server token of a token login (action=tokenLogin) can be redeemed (action=tokens)',
    format: 'duration',
    default: 60_000,
  }),
};

export default defineBundle({
  name: 'sessiond',
  version: '1.0.0',
  description: 'User sessions: short-term and long-term containers, limits, token login, backed by a session storage',
  optionalRequires: [SESSION_STORAGE, MBEAN_SERVER],
  provides: [SESSIOND_SERVICE],
  config,
  start(ctx) {
    const storage = ctx.getOptional(SESSION_STORAGE);
    const longLifeTimeMs = ctx.config.get('com.openexchange.sessiond.sessionLongLifeTime');
    const limits = {
      defaultLifeTimeMs: ctx.config.get('com.openexchange.sessiond.sessionDefaultLifeTime'),
      longLifeTimeMs,
      maxSession: ctx.config.get('com.openexchange.sessiond.maxSession'),
      maxSessionPerUser: ctx.config.get('com.openexchange.sessiond.maxSessionPerUser'),
      tokenLifeTimeMs: ctx.config.get('com.openexchange.sessiond.tokenLoginTimeout'),
    };
    const service = new Sessiond({ route: ctx.node.route, storage, logger: ctx.logger, limits });
    service.startSweeper();
    ctx.onStop(() => service.close());
    const mbeans = ctx.getOptional(MBEAN_SERVER);
    if (mbeans) ctx.onStop(registerSessiondMBean(mbeans, service, limits));
    ctx.logger.info(storage ? `sessions are kept in ${storage.description}` : 'no session storage: sessions live on this node only and end with it');
    ctx.register(SESSIOND_SERVICE, service);
  },
});
