import type { Logger } from 'winston';
import type { GridService } from '../../grid/api.js';
import { CACHE_EVENT_TOPIC, type CacheEventMessage } from '../api.js';
import { batchedPublisher } from './batchedPublisher.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/**
 * Invalidation over the grid's reliable topic (`eventInvalidation=true`, OX's default), sent in
 * batches (`batchedPublisher`).
 */
export function gridTopicTransport(grid: GridService, sink: InvalidationSink, logger: Logger): InvalidationTransport {
  const topic = grid.getTopic<CacheEventMessage>(CACHE_EVENT_TOPIC);
  // The grid delivers every message published after subscribe() (the subscriber's first read starts
  // there, not at the ring's tail), and the regions are still empty now: nothing can be missed.
  const unsubscribe = topic.subscribe({
    message: (m) => {
      const from = `grid member ${m.publisher}`;
      if (Array.isArray(m.payload)) for (const event of m.payload) sink.receive(event, from);
      else sink.receive(m.payload, from);
    },
    gap: ({ from, to }) => {
      const regions = sink.clearDistributedForGap();
      logger.warn(`cache invalidation topic ${CACHE_EVENT_TOPIC}: missed messages ${from}..${to}; cleared ${regions.length} distributed regions locally (${regions.join(', ')})`);
    },
  });
  logger.info(`cache invalidation over grid topic ${CACHE_EVENT_TOPIC} (cluster ${grid.clusterName}); jcs.auxiliary.LTCP.* settings are ignored`);

  const publisher = batchedPublisher((batch) => topic.publish(batch), { waitingFor: 'the grid topic', on: CACHE_EVENT_TOPIC }, logger);
  return {
    mode: 'grid-topic',
    send(event) {
      publisher.send(event);
      return true;
    },
    async close() {
      publisher.close();
      unsubscribe();
    },
  };
}
