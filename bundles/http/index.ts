import { defineBundle, property } from '../../core/bundle.js';
import { KERNEL_SERVICE } from '../../core/kernelService.js';
import { HEALTH_SECTIONS, HEALTH_TRUST, HTTP_ROUTES, HTTP_SERVICE } from './api.js';
import { followContributions } from './contributions.js';
import { HttpConnector } from './connector.js';
import { parseKnownProxies } from './clientAddress.js';
import { healthReply } from './health.js';
import { parseAllowedOrigins } from './originCheck.js';

export default defineBundle({
  name: 'http',
  version: '1.0.0',
  description: 'The HTTP connector: routes contributed by bundles, /health',
  provides: [HTTP_SERVICE],
  extensionPoints: [HTTP_ROUTES, HEALTH_SECTIONS, HEALTH_TRUST],
  namespaces: ['com.openexchange.connector.'],
  deps: {},
  config: {
    'com.openexchange.connector.networkListenerHost': property({ doc: 'Address the connector listens on', format: 'String', default: '127.0.0.1' }),
    'com.openexchange.connector.networkListenerPort': property({ doc: 'Port the connector listens on', format: 'port', default: 8009 }),
    'com.openexchange.connector.maxBodySize': property({ doc: 'Largest request body in bytes', format: 'nat', default: 1_048_576 }),
    'com.openexchange.connector.maxHttpHeaderSize': property({ doc: 'Largest request head (request line and headers) in bytes', format: 'nat', default: 16_384 }),
    'com.openexchange.connector.allowedOrigins': property({
      doc: 'Comma-separated origins (https://host[:port]) besides the request\'s own host that state-changing requests (POST, login, logout, Jolokia exec/write) may come from',
      format: (value: unknown) => {
        if (typeof value !== 'string') throw new Error('must be a comma-separated list of origins');
        parseAllowedOrigins(value);
      },
      default: '',
    }),
    'com.openexchange.server.knownProxies': property({
      doc: 'Comma-separated IP addresses of proxies (e.g. Apache) whose X-Forwarded-For names the client, for login throttling and logs',
      format: (value: unknown) => {
        if (typeof value !== 'string') throw new Error('must be a comma-separated list of IP addresses');
        parseKnownProxies(value);
      },
      default: '',
    }),
  },
  async start(_services, ctx) {
    const connector = new HttpConnector({
      host: ctx.config.get('com.openexchange.connector.networkListenerHost'),
      port: ctx.config.get('com.openexchange.connector.networkListenerPort'),
      maxBodyBytes: ctx.config.get('com.openexchange.connector.maxBodySize'),
      maxHeaderBytes: ctx.config.get('com.openexchange.connector.maxHttpHeaderSize'),
      allowedOrigins: parseAllowedOrigins(ctx.config.get('com.openexchange.connector.allowedOrigins')),
      knownProxies: parseKnownProxies(ctx.config.get('com.openexchange.server.knownProxies')),
    }, ctx.logger);
    const kernel = ctx.get(KERNEL_SERVICE);
    connector.route('GET', '/health', (req) => healthReply(kernel, connector, req));
    followContributions(ctx, kernel, connector);
    await connector.listen();
    ctx.onStop(() => connector.close());
    ctx.register(HTTP_SERVICE, connector);
  },
});
