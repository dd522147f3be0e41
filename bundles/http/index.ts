import { defineBundle, property } from '../../core/bundle.js';
import { KERNEL_SERVICE } from '../../core/kernelService.js';
import { HTTP_SERVICE } from './api.js';
import { HttpConnector } from './connector.js';
import { healthReply } from './health.js';

export default defineBundle({
  name: 'http',
  version: '1.0.0',
  description: 'The HTTP connector: routes contributed by bundles, /health',
  provides: [HTTP_SERVICE],
  config: {
    'com.openexchange.connector.networkListenerHost': property({ doc: 'Address the connector listens on', format: 'String', default: '127.0.0.1' }),
    'com.openexchange.connector.networkListenerPort': property({ doc: 'Port the connector listens on', format: 'port', default: 8009 }),
    'com.openexchange.connector.maxBodySize': property({ doc: 'Largest request body in bytes', format: 'nat', default: 1_048_576 }),
    'com.openexchange.connector.maxHttpHeaderSize': property({ doc: 'Largest request head (request line and headers) in bytes', format: 'nat', default: 16_384 }),
  },
  async start(ctx) {
    const connector = new HttpConnector({
      host: ctx.config.get('com.openexchange.connector.networkListenerHost'),
      port: ctx.config.get('com.openexchange.connector.networkListenerPort'),
      maxBodyBytes: ctx.config.get('com.openexchange.connector.maxBodySize'),
      maxHeaderBytes: ctx.config.get('com.openexchange.connector.maxHttpHeaderSize'),
    }, ctx.logger);
    const kernel = ctx.get(KERNEL_SERVICE);
    connector.route('GET', '/health', () => healthReply(kernel, connector));
    await connector.listen();
    ctx.onStop(() => connector.close());
    ctx.register(HTTP_SERVICE, connector);
  },
});
