import type { Logger } from 'winston';
import type { GridService } from '../../grid/api.js';
import { CACHE_EVENT_TOPIC, type CacheInvalidation } from '../api.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/** Invalidation over the grid's reliable topic (`eventInvalidation=true`, OX's default). */
export function gridTopicTransport(grid: GridService, sink: InvalidationSink, logger: Logger): InvalidationTransport {
  const topic = grid.getTopic<CacheInvalidation>(CACHE_EVENT_TOPIC);
  const unsubscribe = topic.subscribe({
    message: (m) => sink.receive(m.payload, `grid member ${m.publisher}`),
    gap: ({ from, to }) => {
      const regions = sink.clearDistributedForGap();
      logger.warn(`cache invalidation topic ${CACHE_EVENT_TOPIC}: missed messages ${from}..${to}; cleared ${regions.length} distributed regions locally (${regions.join(', ')})`);
    },
  });
  logger.info(`cache invalidation over grid topic ${CACHE_EVENT_TOPIC} (cluster ${grid.clusterName}); jcs.auxiliary.LTCP.* settings are ignored`);
  return {
    mode: 'grid-topic',
    send(event) {
      topic.publish(event).catch((err: Error) => {
        logger.warn(`cache invalidation of region ${event.region} (${event.op}${event.keys ? ` ${event.keys.join(',')}` : ''}) not published on ${CACHE_EVENT_TOPIC}: ${err.message}`);
      });
      return true;
    },
    async close() {
      unsubscribe();
    },
  };
}
