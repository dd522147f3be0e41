import { CLI_COMMANDS } from '../../core/cliCommands.js';
import { contribution } from '../../core/extensionPoint.js';
import { defineBundle } from '../../core/bundle.js';
import { HEALTH_SECTIONS, type HealthSection } from '../http/api.js';
import { MBEANS } from '../management/api.js';
import { GRID_SERVICE } from './api.js';
import { registerMapCommand } from './cli/mapCommand.js';
import { ClusterNode } from './cluster/clusterNode.js';
import { clusterOptionsFromConfig, gridConfigProblems } from './cluster/configOptions.js';
import { gridConfig } from './config.js';
import { createDataLayer, type DataLayer } from './data/dataLayer.js';
import { readDataOptions } from './data/dataOptions.js';
import { readMapConfigs } from './map/mapConfig.js';
import { readTopicConfigs } from './topic/topicConfig.js';
import { composeGridInsight, composeGridService } from './gridService.js';
import { GridMBeans } from './management/gridMBeans.js';
import type { GridService } from './api.js';

type Key = keyof typeof gridConfig & string;

export default defineBundle({
  name: 'grid',
  version: '1.0.0',
  description: 'The data grid: members, partitions, distributed maps and reliable topics',
  deps: {},
  provides: [GRID_SERVICE],
  config: gridConfig,
  namespaces: ['com.openexchange.hazelcast.', 'hazelcast.'],
  // One map or topic per file in hazelcast/: read with ctx.files, never global settings.
  perFileKeys: ['com.openexchange.hazelcast.configuration.map.', 'com.openexchange.hazelcast.configuration.topic.'],
  validate(config) {
    if (!config.get('com.openexchange.hazelcast.enabled')) return [];
    return gridConfigProblems((key) => config.get(key as Key), (key) => config.origin(key as Key));
  },
  startTimeoutMs: 60_000,
  stopTimeoutMs: 30_000,
  contributes: [contribution(CLI_COMMANDS, registerMapCommand)],
  // Bad map and topic settings are reported by `oxk config check` too; warnings are logged once, at start.
  checkFiles(files) {
    try {
      readMapConfigs(files, () => undefined);
      readTopicConfigs(files, () => undefined);
      return {};
    } catch (err) {
      return { problems: [(err as Error).message] };
    }
  },
  async start(_services, ctx) {
    if (!ctx.config.get('com.openexchange.hazelcast.enabled')) {
      ctx.logger.info('grid disabled by com.openexchange.hazelcast.enabled=false: this node runs no grid and provides no grid service');
      return;
    }
    const get = (key: string) => ctx.config.get(key as Key);
    const origin = (key: string) => ctx.config.origin(key as Key);
    const node = new ClusterNode(clusterOptionsFromConfig(get, origin, ctx.node.route), ctx.logger);
    let data: DataLayer | undefined;
    // Cleanups run last-registered first: the node hands off partitions and leaves while the data layer still serves.
    ctx.onStop(() => data?.stop());
    ctx.onStop(() => node.stop());
    const dataOptions = readDataOptions(get, ctx.files, ctx.logger);
    await node.start(() => {
      data = createDataLayer(node, dataOptions, ctx.logger);
    });
    const grid = composeGridService(node, data!);
    ctx.register(GRID_SERVICE, grid);
    // Reloadable: a live change of the heartbeat settings applies to the running failure detector.
    ctx.config.onChange(() => node.setHeartbeatTimings({
      heartbeatIntervalMs: ctx.config.get('hazelcast.heartbeat.interval.seconds') * 1000,
      maxNoHeartbeatMs: ctx.config.get('hazelcast.max.no.heartbeat.seconds') * 1000,
    }));
    ctx.contribute(HEALTH_SECTIONS, { name: 'grid', section: () => healthSection(node, grid) });
    if (ctx.config.get('com.openexchange.hazelcast.jmx')) {
      // Members, maps and topics come and go: management asks for the current set before every lookup.
      const insight = composeGridInsight(node, data!);
      ctx.contribute(MBEANS, { mbeans: () => new GridMBeans(grid, insight).wanted() });
    } else ctx.logger.info(`grid MBeans (com.hazelcast:*) off: com.openexchange.hazelcast.jmx=false (${ctx.config.origin('com.openexchange.hazelcast.jmx')})`);
  },
});

/** The grid's `/health` section: anyone sees the member count and losses, trusted callers the rest. */
function healthSection(node: ClusterNode, grid: GridService): HealthSection {
  const loss = grid.partitionLoss();
  return {
    up: node.joined,
    details: {
      members: node.view().members.length,
      master: node.isMaster(),
      clusterSafe: grid.isClusterSafe(),
      address: node.local.address,
      id: node.local.id,
      cluster: node.clusterName,
      version: grid.codebaseVersion,
      protocolVersion: node.local.version,
      clusterVersion: grid.clusterVersion(),
      clusterState: grid.clusterState(),
      memberListVersion: node.view().version,
      memberAddresses: node.view().members.map((m) => m.address),
      lite: node.local.lite,
      // Data lost since this member started (clusterSafe only says whether the replicas are in sync now).
      partitionsLost: loss.partitionsLost,
      lastPartitionLossTime: loss.lastLossTime === undefined ? null : new Date(loss.lastLossTime).toISOString(),
      lostPartitions: loss.lostPartitions,
    },
    publicFields: ['members', 'partitionsLost'],
  };
}
