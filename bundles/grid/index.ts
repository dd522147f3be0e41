import { defineBundle } from '../../core/bundle.js';
import { HTTP_SERVICE } from '../http/api.js';
import { GRID_SERVICE } from './api.js';
import { registerMapCommand } from './cli/mapCommand.js';
import { ClusterNode } from './cluster/clusterNode.js';
import { clusterOptionsFromConfig } from './cluster/configOptions.js';
import { gridConfig } from './config.js';
import { createDataLayer, type DataLayer } from './data/dataLayer.js';
import { readDataOptions } from './data/dataOptions.js';
import { readMapConfigs } from './map/mapConfig.js';
import { readTopicConfigs } from './topic/topicConfig.js';
import { composeGridService } from './gridService.js';

export default defineBundle({
  name: 'grid',
  version: '1.0.0',
  description: 'The data grid: members, partitions, distributed maps and reliable topics',
  optionalRequires: [HTTP_SERVICE],
  provides: [GRID_SERVICE],
  config: gridConfig,
  startTimeoutMs: 60_000,
  stopTimeoutMs: 30_000,
  commands: (program) => registerMapCommand(program),
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
  async start(ctx) {
    if (!ctx.config.get('com.openexchange.hazelcast.enabled')) {
      ctx.logger.info('grid disabled by com.openexchange.hazelcast.enabled=false: this node runs no grid and provides no grid service');
      return;
    }
    type Key = keyof typeof gridConfig & string;
    const get = (key: string) => ctx.config.get(key as Key);
    const origin = (key: string) => ctx.config.origin(key as Key);
    const node = new ClusterNode(clusterOptionsFromConfig(get, origin, ctx.node.route), ctx.logger);
    let data: DataLayer | undefined;
    // Cleanups run last-registered first: the node hands off partitions and leaves while the data layer still serves.
    ctx.onStop(() => data?.stop());
    ctx.onStop(() => node.stop());
    const dataOptions = readDataOptions(get, origin, ctx.files, ctx.logger);
    await node.start(() => {
      data = createDataLayer(node, dataOptions, ctx.logger);
    });
    const grid = composeGridService(node, data!);
    ctx.register(GRID_SERVICE, grid);
    ctx.getOptional(HTTP_SERVICE)?.addHealthSection('grid', () => {
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
    });
  },
});
