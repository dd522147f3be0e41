import type { BundleContext } from '../../core/bundle.js';
import { HEALTH_TRUST, HTTP_ROUTES } from '../http/api.js';
import type { managementConfig } from './config.js';
import { basicAuthMatches } from '../http/access.js';
import { JOLOKIA_PATH, jolokiaChangesState, jolokiaHandler } from './jolokia/endpoint.js';
import type { MetricsControl } from './mbeans/metricsMBean.js';
import { PrometheusExporter } from './metrics/prometheus.js';
import type { DefaultMBeanServer } from './server/mbeanServer.js';
import { METRICS } from './api.js';
import { managementCredentials } from './credentials.js';

type Ctx = BundleContext<typeof managementConfig>;

/** `GET /metrics`: Prometheus text of the same figures Jolokia shows, plus the collectors bundles contribute. */
export function metricsRoute(ctx: BundleContext, server: DefaultMBeanServer, control: MetricsControl): void {
  const collectors = ctx.contributions(METRICS);
  const exporter = new PrometheusExporter(server, () => collectors.current().map((c) => c.item));
  ctx.contribute(HTTP_ROUTES, {
    method: 'GET',
    path: '/metrics',
    handler: async () => {
      if (!control.enabled) return { status: 404, body: 'metrics disabled (com.openexchange.management:type=Metrics, Enabled=false)\n' };
      control.scrapes += 1;
      return { headers: { 'content-type': exporter.contentType }, body: await exporter.text() };
    },
  });
  ctx.logger.info('Prometheus metrics on /metrics of the HTTP connector');
}

/** The Jolokia agent, when switched on and given credentials; otherwise a log line says why it is off. */
export function jolokiaRoutes(ctx: Ctx, server: DefaultMBeanServer, version: string): void {
  const credentials = managementCredentials(ctx);
  if ('off' in credentials) {
    ctx.logger.log(credentials.deliberate ? 'info' : 'warn', `Jolokia is off: ${credentials.off}`);
    return;
  }
  const { user, password, restrictToLocalhost } = credentials;
  const handler = jolokiaHandler(server, {
    user, password, restrictToLocalhost, logger: ctx.logger,
    agent: { product: 'oxkernel', version, route: ctx.node.route },
  });
  for (const method of ['GET', 'POST']) {
    ctx.contribute(HTTP_ROUTES, { method, path: JOLOKIA_PATH, handler, options: { prefix: true, changesState: jolokiaChangesState } });
  }
  // The same credentials show /health's details (cluster name, members) to a non-loopback caller.
  ctx.contribute(HEALTH_TRUST, (req) => basicAuthMatches(req.headers.authorization, user, password));
  ctx.logger.info(`Jolokia on ${JOLOKIA_PATH} of the HTTP connector for user ${user}${restrictToLocalhost ? ', localhost only' : ''}`);
}
