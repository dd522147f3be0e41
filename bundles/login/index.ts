import { CLI_COMMANDS } from '../../core/cliCommands.js';
import { contribution } from '../../core/extensionPoint.js';
import { defineBundle, property } from '../../core/bundle.js';
import { AUTHENTICATION_SERVICE } from '../auth-file/api.js';
import { GRID_SERVICE } from '../grid/api.js';
import { MBEANS } from '../management/api.js';
import { HTTP_ROUTES, type HttpRequest } from '../http/api.js';
import { SESSIOND_SERVICE } from '../sessiond/api.js';
import { addApacheCommands } from './cli/commands.js';
import { LoginRoutes } from './loginRoutes.js';
import { LoginThrottle } from './loginThrottle.js';
import { whoami } from './systemRoutes.js';
import { ProgressStore } from './upgrade/progressStore.js';
import { ROLLING_UPGRADE_MBEAN } from './upgrade/progress.js';
import { rollingUpgradeMBean } from './upgrade/rollingUpgradeMBean.js';

const config = {
  'com.openexchange.cookie.secure': property({
    doc: 'Mark the JSESSIONID and secret cookies Secure (sent over HTTPS only); set true when clients reach the site by HTTPS',
    format: 'Boolean',
    default: false,
  }),
  'com.openexchange.cookie.sameSite': property({
    doc: 'SameSite attribute of the cookies (None needs com.openexchange.cookie.secure=true)',
    format: ['Lax', 'Strict', 'None'] as const,
    default: 'Lax' as string,
  }),
  'com.openexchange.UIWebPath': property({
    doc: 'Path of the web UI; a token login redirects there with ;jsessionid= and the server token',
    format: (value: unknown) => {
      // It goes into the Location header: URL path characters only (percent-encode anything else).
      if (typeof value !== 'string' || !/^\/[A-Za-z0-9\-._~!$&'()*+,=:@%/]*$/.test(value)) {
        throw new Error('must be a path starting with "/" without ";", "?", "#" or whitespace, of URL path characters (percent-encode others)');
      }
    },
    default: '/appsuite/',
  }),
  'com.openexchange.ajax.login.throttle.user.burst': property({
    doc: 'Failed logins allowed in a row for one user name before logins for it answer 429 (0: no per-user throttle)', format: 'nat', default: 10,
  }),
  'com.openexchange.ajax.login.throttle.user.refill': property({
    doc: 'One more login attempt for a throttled user name per this duration', format: 'duration', default: 30_000,
  }),
  'com.openexchange.ajax.login.throttle.address.burst': property({
    doc: 'Failed logins allowed in a row from one client address (IPv6: its /64) before logins from it answer 429 (0: no per-address throttle)', format: 'nat', default: 50,
  }),
  'com.openexchange.ajax.login.throttle.address.refill': property({
    doc: 'One more login attempt for a throttled address per this duration', format: 'duration', default: 2000,
  }),
  'com.openexchange.ajax.login.throttle.maxTracked': property({
    doc: 'User names and addresses the throttle remembers at most (each); the least recently used are forgotten first', format: 'nat', default: 100_000,
  }),
};

export default defineBundle({
  name: 'login',
  version: '1.0.0',
  description: 'HTTP login, logout, token login and whoami under /ajax, with JSESSIONID route cookies',
  deps: { sessiond: SESSIOND_SERVICE, auth: AUTHENTICATION_SERVICE },
  // The rolling upgrade's progress lives in a grid map when the grid runs; followed as it comes and goes.
  optionalDeps: { grid: GRID_SERVICE },
  namespaces: ['com.openexchange.ajax.login.', 'com.openexchange.cookie.'],
  config,
  contributes: [contribution(CLI_COMMANDS, addApacheCommands)],
  validate(config) {
    if (config.get('com.openexchange.cookie.sameSite') === 'None' && !config.get('com.openexchange.cookie.secure')) {
      return [`${config.origin('com.openexchange.cookie.sameSite')} com.openexchange.cookie.sameSite: None needs com.openexchange.cookie.secure=true (browsers drop such cookies otherwise)`];
    }
    return [];
  },
  start({ sessiond, auth }, ctx) {
    const cookies = { secure: ctx.config.get('com.openexchange.cookie.secure'), sameSite: ctx.config.get('com.openexchange.cookie.sameSite') };
    const bucket = (kind: 'user' | 'address') => ({
      burst: ctx.config.get(`com.openexchange.ajax.login.throttle.${kind}.burst`),
      refillMs: Math.max(1, ctx.config.get(`com.openexchange.ajax.login.throttle.${kind}.refill`)),
      maxKeys: ctx.config.get('com.openexchange.ajax.login.throttle.maxTracked'),
    });
    const routes = new LoginRoutes({
      auth,
      sessiond,
      route: ctx.node.route,
      cookies,
      uiWebPath: ctx.config.get('com.openexchange.UIWebPath'),
      throttle: new LoginThrottle({ perUser: bucket('user'), perAddress: bucket('address') }),
      logger: ctx.logger,
    });
    ctx.contribute(HTTP_ROUTES, { method: 'POST', path: '/ajax/login', handler: (req) => routes.post(req) });
    // Logout and token redemption change state although they are GETs: the connector checks their origin.
    const changesState = (req: HttpRequest) => ['logout', 'tokens'].includes(req.query.get('action') ?? '');
    ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/ajax/login', handler: (req) => routes.get(req), options: { changesState } });
    ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/ajax/system', handler: whoami(sessiond, ctx.node.route, cookies) });
    const progress = new ProgressStore(ctx.logger);
    ctx.onStop(() => progress.close());
    ctx.track(GRID_SERVICE, (grid) => progress.attach(grid));
    ctx.contribute(MBEANS, { objectName: ROLLING_UPGRADE_MBEAN, mbean: rollingUpgradeMBean(progress) });
  },
});
