import { CLI_COMMANDS } from '../../core/cliCommands.js';
import { contribution } from '../../core/extensionPoint.js';
import { defineBundle } from '../../core/bundle.js';
import { KERNEL_SERVICE } from '../../core/kernelService.js';
import { MBEAN_SERVER, MBEANS, METRICS } from './api.js';
import { managementConfig } from './config.js';
import { registerRuntimeCommands } from './cli/runtimeCommands.js';
import { registerClusterCommand } from './cli/clusterCommand.js';
import { registerStatsCommand } from './cli/statsCommand.js';
import { consoleRoutes } from './console/consoleRoutes.js';
import { followMBeans } from './contributedMBeans.js';
import { jolokiaRoutes, metricsRoute } from './httpRoutes.js';
import { BundleEventLog } from './mbeans/bundleEventLog.js';
import { kernelMBeans } from './mbeans/kernelMBeans.js';
import { MetricsControl } from './mbeans/metricsMBean.js';
import { runtimeMBeans } from './mbeans/runtimeMBeans.js';
import { DefaultMBeanServer } from './server/mbeanServer.js';

export const VERSION = '0.2.0';

export default defineBundle({
  name: 'management',
  version: VERSION,
  description: 'MBean server, Jolokia agent, web console, Prometheus /metrics and `oxk stats`',
  deps: {},
  provides: [MBEAN_SERVER],
  extensionPoints: [MBEANS, METRICS],
  namespaces: ['com.openexchange.jolokia.'],
  config: managementConfig,
  contributes: [contribution(CLI_COMMANDS, registerStatsCommand), contribution(CLI_COMMANDS, registerRuntimeCommands), contribution(CLI_COMMANDS, registerClusterCommand)],
  start(_services, ctx) {
    const server = new DefaultMBeanServer();
    const kernel = ctx.get(KERNEL_SERVICE);
    const events = new BundleEventLog(kernel.events);
    ctx.onStop(() => events.close());
    for (const [name, mbean] of [...kernelMBeans(kernel, ctx.node, events), ...runtimeMBeans(ctx.node)]) server.register(name, mbean);
    const metrics = new MetricsControl();
    server.register('com.openexchange.management:type=Metrics', metrics.mbean());
    followMBeans(ctx, server);
    metricsRoute(ctx, server, metrics);
    jolokiaRoutes(ctx, server, VERSION);
    consoleRoutes(ctx, server);
    ctx.register(MBEAN_SERVER, server);
  },
});
