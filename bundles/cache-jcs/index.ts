import { defineBundle, property, type BundleContext } from '../../core/bundle.js';
import { GRID_SERVICE, type GridService } from '../grid/api.js';
import { HTTP_SERVICE, type HttpService } from '../http/api.js';
import { MBEANS } from '../management/api.js';
import { REDIS_SERVICE, type RedisService } from '../redis/api.js';
import { CACHE_SERVICE } from './api.js';
import { emptyCcfModel, parseCcf } from './ccf/parseCcf.js';
import { gridTopicTransport } from './invalidation/gridTopic.js';
import { redisChannelTransport } from './invalidation/redisChannel.js';
import { startLtcp } from './invalidation/ltcp/ltcpTransport.js';
import { regionMBeans } from './management/regionMBean.js';
import { JcsCacheService } from './region/cacheService.js';

const config = {
  'com.openexchange.caching.jcs.enabled': property({
    doc: 'Caching on or off; off: regions exist but hold nothing', format: 'Boolean', default: true,
  }),
  'com.openexchange.caching.jcs.eventInvalidation': property({
    doc: 'true: invalidate over the grid topic cacheEvents (or the Redis channel ox-channel:cacheEvents with com.openexchange.redis.cacheInvalidation=true); false: the legacy lateral TCP auxiliary (jcs.auxiliary.LTCP.*)', format: 'Boolean', default: true,
  }),
  'com.openexchange.caching.jcs.ltcp.listenerHost': property({
    doc: 'Address the LTCP listener binds; empty: the HTTP connector\'s host, or 127.0.0.1', format: 'String', default: '',
  }),
  'com.openexchange.caching.jcs.ltcp.reconnectMaxDelay': property({
    doc: 'Longest wait between reconnection attempts to an LTCP peer (backoff doubles from 100 ms)', format: 'duration', default: 5000,
  }),
  'com.openexchange.caching.jcs.ltcp.discoveryInterval': property({
    doc: 'How often this node announces its LTCP listener when UdpDiscoveryEnabled=true', format: 'duration', default: 5000,
  }),
};

type Ctx = BundleContext<typeof config>;
interface Peers {
  grid?: GridService;
  http?: HttpService;
  redis?: RedisService;
}

async function attachInvalidation(ctx: Ctx, { grid, http, redis }: Peers, service: JcsCacheService, lateral: ReturnType<typeof parseCcf>['lateral']): Promise<void> {
  if (ctx.config.get('com.openexchange.caching.jcs.eventInvalidation')) {
    if (redis?.cacheInvalidation) service.attach(redisChannelTransport(redis, service, ctx.logger));
    else if (grid) {
      service.attach(gridTopicTransport(grid, service, ctx.logger));
      ctx.onStop(clearOnPartitionLoss(ctx, grid, service));
    } else ctx.logger.warn('eventInvalidation=true but neither the grid nor Redis invalidation (com.openexchange.redis.cacheInvalidation) is active: distributed regions are invalidated on this node only');
    return;
  }
  if (!lateral) {
    ctx.logger.warn('eventInvalidation=false but cache.ccf defines no lateral TCP auxiliary: distributed regions are invalidated on this node only');
    return;
  }
  const configuredHost = ctx.config.get('com.openexchange.caching.jcs.ltcp.listenerHost');
  service.attach(await startLtcp({
    settings: lateral,
    listenerHost: configuredHost || http?.address.host || '127.0.0.1',
    route: ctx.node.route,
    sink: service,
    logger: ctx.logger,
    reconnectMinMs: 100,
    reconnectMaxMs: Math.max(100, ctx.config.get('com.openexchange.caching.jcs.ltcp.reconnectMaxDelay')),
    discoveryIntervalMs: Math.max(100, ctx.config.get('com.openexchange.caching.jcs.ltcp.discoveryInterval')),
  }));
}

/**
 * Members lost at once may have taken invalidations with them (queued on a dead publisher, or the
 * topic's ring when its partition went too): entries of grid-invalidated regions can no longer be
 * trusted, so they are cleared, as after a gap in the topic.
 */
function clearOnPartitionLoss(ctx: Ctx, grid: GridService, service: JcsCacheService): () => void {
  return grid.onPartitionLost((event) => {
    const regions = service.clearDistributedForGap();
    ctx.logger.warn(`grid partition loss (members ${event.lostMembers.join(', ')}): cleared ${regions.length} grid-invalidated regions locally (${regions.join(', ')})`);
  });
}

export default defineBundle({
  name: 'cache-jcs',
  version: '1.0.0',
  description: 'JCS cache regions from cache.ccf, invalidated cluster-wide over grid topics or lateral TCP',
  provides: [CACHE_SERVICE],
  deps: {},
  // The invalidation transport is built once on the grid, Redis (or the connector's address): the bundle stops and starts again with them.
  optionalDeps: { grid: GRID_SERVICE, http: HTTP_SERVICE, redis: REDIS_SERVICE },
  staticOptionalDeps: true,
  namespaces: ['com.openexchange.caching.jcs.'],
  config,
  checkFiles(files) {
    const file = files.file('cache.ccf');
    if (!file) return {};
    try {
      return { warnings: parseCcf(file).warnings };
    } catch (err) {
      return { problems: (err as Error).message.split('\n') };
    }
  },
  async start(peers, ctx) {
    const file = ctx.files.file('cache.ccf');
    if (!file) ctx.logger.warn(`no cache.ccf in ${ctx.files.dir}: every region gets JCS's defaults and stays local`);
    const model = file ? parseCcf(file) : emptyCcfModel();

    const enabled = ctx.config.get('com.openexchange.caching.jcs.enabled');
    const ltcp = !ctx.config.get('com.openexchange.caching.jcs.eventInvalidation') && model.lateral !== undefined;
    const service = new JcsCacheService({ model, logger: ctx.logger, enabled, issueRemoveOnPut: ltcp && model.lateral!.issueRemoveOnPut });
    ctx.onStop(() => service.close());
    if (enabled) await attachInvalidation(ctx, peers, service, model.lateral);
    else ctx.logger.info('com.openexchange.caching.jcs.enabled=false: regions hold nothing');

    // Sizes and lifetimes of a cache.ccf read again (oxk config reload) apply to the live regions.
    ctx.onFilesReloaded((files) => {
      const next = files.file('cache.ccf');
      const changed = service.reconfigure(next ? parseCcf(next) : emptyCcfModel());
      if (changed.length) ctx.logger.info(`cache.ccf reloaded: new settings for region(s) ${changed.join(', ')}`);
    });
    // Regions are created on first use: management asks for the current set before every lookup.
    ctx.contribute(MBEANS, { mbeans: () => regionMBeans(service) });
    ctx.register(CACHE_SERVICE, service);
    const distributed = service.all().filter((r) => r.settings.distributed).length;
    ctx.logger.info(`cache regions: ${service.regionNames().length} from ${file?.path ?? 'defaults'} (${distributed} invalidated cluster-wide), invalidation mode ${service.invalidationMode}`);
  },
});
