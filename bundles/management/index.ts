import { defineBundle } from '../../core/bundle.js';
import { KERNEL_SERVICE } from '../../core/kernelService.js';
import { GRID_SERVICE } from '../grid/api.js';
import { HTTP_SERVICE } from '../http/api.js';
import { MBEAN_SERVER } from './api.js';
import { managementConfig } from './config.js';
import { registerClusterCommand } from './cli/clusterCommand.js';
import { registerStatsCommand } from './cli/statsCommand.js';
import { serveJolokia, serveMetrics } from './httpRoutes.js';
import { GridMBeans } from './mbeans/gridMBeans.js';
import { kernelMBeans } from './mbeans/kernelMBeans.js';
import { MetricsControl } from './mbeans/metricsMBean.js';
import { runtimeMBeans } from './mbeans/runtimeMBeans.js';
import { MBeanSet } from './server/mbeanSet.js';
import { DefaultMBeanServer } from './server/mbeanServer.js';

export const VERSION = '0.2.0';

export default defineBundle({
  name: 'management',
  version: VERSION,
  description: 'MBean server, Jolokia agent, Prometheus /metrics and `oxk stats`',
  optionalRequires: [HTTP_SERVICE, GRID_SERVICE],
  provides: [MBEAN_SERVER],
  config: managementConfig,
  commands: (program) => {
    registerStatsCommand(program);
    registerClusterCommand(program);
  },
  start(ctx) {
    const server = new DefaultMBeanServer();
    for (const [name, mbean] of [...kernelMBeans(ctx.get(KERNEL_SERVICE), ctx.node), ...runtimeMBeans(ctx.node)]) server.register(name, mbean);
    const metrics = new MetricsControl();
    server.register('com.openexchange.management:type=Metrics', metrics.mbean());

    const jmx = ctx.config.get('com.openexchange.hazelcast.jmx');
    const gridBeans = new MBeanSet(server);
    let gridFailure = '';
    // The grid's members, maps and topics change: bring its MBeans up to date before every lookup.
    ctx.onStop(server.addRefresher(() => {
      const grid = jmx ? ctx.getOptional(GRID_SERVICE) : undefined;
      try {
        gridBeans.sync(grid ? new GridMBeans(grid).wanted() : new Map());
        gridFailure = '';
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        if (why !== gridFailure) ctx.logger.warn(`grid MBeans not available: ${why}`);
        gridFailure = why;
        gridBeans.clear();
      }
    }));
    ctx.logger.info(jmx ? 'grid MBeans (com.hazelcast:*) on' : `grid MBeans (com.hazelcast:*) off: com.openexchange.hazelcast.jmx=false (${ctx.config.origin('com.openexchange.hazelcast.jmx')})`);

    const http = ctx.getOptional(HTTP_SERVICE);
    if (!http) {
      ctx.logger.warn('no HTTP connector: Jolokia and /metrics are not available on this node');
    } else {
      serveMetrics(ctx, http, server, metrics);
      serveJolokia(ctx, http, server, VERSION);
    }
    ctx.register(MBEAN_SERVER, server);
  },
});
