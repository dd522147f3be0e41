import type { BundleContext } from '../../core/bundle.js';
import type { HttpService } from '../http/api.js';
import type { managementConfig } from './config.js';
import { basicAuthMatches } from '../http/access.js';
import { JOLOKIA_PATH, jolokiaChangesState, jolokiaHandler } from './jolokia/endpoint.js';
import type { MetricsControl } from './mbeans/metricsMBean.js';
import { PrometheusExporter } from './metrics/prometheus.js';
import type { DefaultMBeanServer } from './server/mbeanServer.js';

type Ctx = BundleContext<typeof managementConfig>;

const GONE = { status: 503, json: { error: 'management bundle stopped', code: 'MANAGEMENT_STOPPED' } };

/** `GET /metrics`: Prometheus text of the same figures Jolokia shows. */
export function serveMetrics(ctx: BundleContext, http: HttpService, server: DefaultMBeanServer, control: MetricsControl): void {
  const exporter = new PrometheusExporter(server);
  let stopped = false;
  ctx.onStop(() => {
    stopped = true;
  });
  http.route('GET', '/metrics', async () => {
    if (stopped) return GONE;
    if (!control.enabled) return { status: 404, body: 'metrics disabled (com.openexchange.management:type=Metrics, Enabled=false)\n' };
    control.scrapes += 1;
    return { headers: { 'content-type': exporter.contentType }, body: await exporter.text() };
  });
  ctx.logger.info(`Prometheus metrics on http://${http.address.host}:${http.address.port}/metrics`);
}

/** The Jolokia agent, when switched on and given credentials; otherwise a log line says why it is off. */
export function serveJolokia(ctx: Ctx, http: HttpService, server: DefaultMBeanServer, version: string): void {
  const where = `(${ctx.config.origin('com.openexchange.jolokia.start')})`;
  if (!ctx.config.get('com.openexchange.jolokia.start')) {
    ctx.logger.info(`Jolokia is off: com.openexchange.jolokia.start=false ${where}`);
    return;
  }
  const user = ctx.config.get('com.openexchange.jolokia.user');
  const password = ctx.config.get('com.openexchange.jolokia.password');
  if (!user || !password) {
    ctx.logger.warn('Jolokia is off: com.openexchange.jolokia.user and com.openexchange.jolokia.password must both be set (config/management.properties)');
    return;
  }
  const restrictToLocalhost = ctx.config.get('com.openexchange.jolokia.restrict.to.localhost');
  const handler = jolokiaHandler(server, {
    user, password, restrictToLocalhost, logger: ctx.logger,
    agent: { product: 'oxkernel', version, route: ctx.node.route },
  });
  let stopped = false;
  ctx.onStop(() => {
    stopped = true;
  });
  for (const method of ['GET', 'POST']) {
    http.route(method, JOLOKIA_PATH, (req, res) => (stopped ? GONE : handler(req, res)), { prefix: true, changesState: jolokiaChangesState });
  }
  // The same credentials show /health's details (cluster name, members) to a non-loopback caller.
  http.trustHealthCaller((req) => !stopped && basicAuthMatches(req.headers.authorization, user, password));
  ctx.logger.info(`Jolokia on http://${http.address.host}:${http.address.port}${JOLOKIA_PATH} for user ${user}${restrictToLocalhost ? ', localhost only' : ''}`);
}
