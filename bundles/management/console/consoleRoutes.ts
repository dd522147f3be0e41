import type { BundleContext } from '../../../core/bundle.js';
import { HTTP_ROUTES, HttpError, type HttpReply, type HttpRequest } from '../../http/api.js';
import type { managementConfig } from '../config.js';
import { managementCredentials } from '../credentials.js';
import type { DefaultMBeanServer } from '../server/mbeanServer.js';
import { ConsoleAccess } from './consoleAccess.js';
import { runAction } from './consoleActions.js';
import { type Asset, loadAssets } from './consoleAssets.js';
import { ConsoleSampler } from './consoleSampler.js';
import { EventStreams } from './eventStreams.js';
import { CONTENT_SECURITY_POLICY, offPage, pageHtml } from './pageTemplate.js';

export const CONSOLE_PATH = '/monitoring/console';
const ACTION_PATH = `${CONSOLE_PATH}/api/action`;

/**
 * The web console on the connector: the page and its files (GET), one live event stream per
 * browser (GET `events`), and the actions (POST `api/action`, with the CSRF token). Off, with a
 * 404 page saying which properties to set, while Jolokia's credentials are unset.
 */
export function consoleRoutes(ctx: BundleContext<typeof managementConfig>, server: DefaultMBeanServer): void {
  const credentials = managementCredentials(ctx);
  if ('off' in credentials) {
    ctx.logger.log(credentials.deliberate ? 'info' : 'warn', `web console is off: ${credentials.off}`);
    const reply = { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: offPage(credentials.off) };
    ctx.contribute(HTTP_ROUTES, { method: 'GET', path: CONSOLE_PATH, handler: () => reply, options: { prefix: true } });
    return;
  }
  const access = new ConsoleAccess(credentials, ctx.logger);
  const assets = loadAssets();
  const sampler = new ConsoleSampler(server, ctx.logger);
  const streams = new EventStreams(sampler, ctx.logger);
  ctx.onStop(() => {
    streams.closeAll();
    sampler.stop();
  });
  ctx.contribute(HTTP_ROUTES, {
    method: 'GET',
    path: CONSOLE_PATH,
    options: { prefix: true },
    handler: (req, res) => {
      const refused = access.refusal(req);
      if (refused) return refused;
      const below = req.path.slice(CONSOLE_PATH.length).replace(/^\/+/, '');
      if (below === '') return page(access, ctx.node.route);
      if (below === 'events') return streams.attach(req, res);
      return file(assets.get(below), req, below);
    },
  });
  ctx.contribute(HTTP_ROUTES, {
    method: 'POST',
    path: ACTION_PATH,
    handler: async (req) => {
      const refused = access.refusal(req);
      if (refused) return refused;
      if (!access.tokenMatches(req)) throw new HttpError(403, 'CONSOLE-CSRF', 'the console token is missing or wrong: reload the page');
      return { json: { result: await runAction(server, ctx.logger, access.user, await jsonBody(req)) } };
    },
  });
  ctx.logger.info(`web console on ${CONSOLE_PATH} of the HTTP connector for user ${credentials.user}${credentials.restrictToLocalhost ? ', localhost only' : ''}`);
}

function page(access: ConsoleAccess, route: string): HttpReply {
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Everything comes from this node: no other origin, no inline script but the import map, no framing.
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'same-origin',
    },
    body: pageHtml({ token: access.token(), user: access.user, route }),
  };
}

function file(asset: Asset | undefined, req: HttpRequest, path: string): HttpReply {
  if (!asset) throw new HttpError(404, 'HTTP-0404', `no console file ${path}`);
  if (req.headers['if-none-match'] === asset.etag) return { status: 304, headers: { etag: asset.etag } };
  return { headers: { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache' }, body: asset.body };
}

async function jsonBody(req: HttpRequest): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse((await req.body()).toString('utf8'));
  } catch {
    throw new HttpError(400, 'CONSOLE-JSON', 'the action is not a JSON object');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'CONSOLE-JSON', 'the action is not a JSON object');
  return body as Record<string, unknown>;
}
