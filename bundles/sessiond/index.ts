import { defineBundle, property } from '../../core/bundle.js';
import { MBEANS } from '../management/api.js';
import { SESSION_STORAGE, SESSIOND_SERVICE } from './api.js';
import { Sessiond } from './sessiond.js';
import { SESSIOND_MBEAN, sessiondMBean } from './sessiondMBean.js';

const config = {
  'com.openexchange.sessiond.sessionDefaultLifeTime': property({
    doc: 'Idle time after which a session moves from the short-term to the long-term container (ms or 120s, 5m, 1h ...)',
    format: 'duration',
    default: 3_600_000,
  }),
  'com.openexchange.sessiond.sessionLongLifeTime': property({
    doc: 'Idle time after which a session expires and is removed everywhere (the session storage\'s eviction is checked against it)',
    format: 'duration',
    default: 604_800_000,
  }),
  'com.openexchange.sessiond.maxSession': property({
    reloadable: true,
    doc: 'Most sessions this node holds; further logins are refused (0: unlimited)',
    format: 'nat',
    default: 5000,
  }),
  'com.openexchange.sessiond.maxSessionPerUser': property({
    reloadable: true,
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
  deps: {},
  // The storage is handed to the session containers once: sessiond stops and starts again with its provider.
  optionalDeps: { storage: SESSION_STORAGE },
  staticOptionalDeps: true,
  provides: [SESSIOND_SERVICE],
  namespaces: ['com.openexchange.sessiond.'],
  config,
  start({ storage }, ctx) {
    const longLifeTimeMs = ctx.config.get('com.openexchange.sessiond.sessionLongLifeTime');
    const limits = {
      defaultLifeTimeMs: ctx.config.get('com.openexchange.sessiond.sessionDefaultLifeTime'),
      longLifeTimeMs,
      maxSession: ctx.config.get('com.openexchange.sessiond.maxSession'),
      maxSessionPerUser: ctx.config.get('com.openexchange.sessiond.maxSessionPerUser'),
      tokenLifeTimeMs: ctx.config.get('com.openexchange.sessiond.tokenLoginTimeout'),
    };
    // The limits are read on every login: a live change applies to the next one.
    ctx.config.onChange(() => {
      limits.maxSession = ctx.config.get('com.openexchange.sessiond.maxSession');
      limits.maxSessionPerUser = ctx.config.get('com.openexchange.sessiond.maxSessionPerUser');
    });
    const idle = storage?.maxIdle;
    if (idle && idle.seconds > 0 && idle.seconds * 1000 < longLifeTimeMs) {
      ctx.logger.warn(`${idle.origin} maxIdleSeconds=${idle.seconds} of ${storage.description} is below com.openexchange.sessiond.sessionLongLifeTime (${longLifeTimeMs / 1000} s, ${ctx.config.origin('com.openexchange.sessiond.sessionLongLifeTime')}): sessions idle that long are evicted from the grid before they expire and can no longer move to another node; set it higher`);
    }
    const service = new Sessiond({ route: ctx.node.route, storage, logger: ctx.logger, limits });
    service.startSweeper();
    ctx.onStop(() => service.close());
    ctx.contribute(MBEANS, { objectName: SESSIOND_MBEAN, mbean: sessiondMBean(service, limits, storage ? storage.kind ?? storage.description : 'none') });
    ctx.logger.info(storage ? `sessions are kept in ${storage.description}` : 'no session storage: sessions live on this node only and end with it');
    ctx.register(SESSIOND_SERVICE, service);
  },
});
