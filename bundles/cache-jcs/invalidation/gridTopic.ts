import type { Logger } from 'winston';
import type { GridService } from '../../grid/api.js';
import { CACHE_EVENT_TOPIC, type CacheEventMessage, type CacheInvalidation } from '../api.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/** A publish slower than this is logged: other nodes serve stale entries until it arrives. */
const SLOW_PUBLISH_MS = 5000;
/** Events per topic message. */
const MAX_BATCH = 500;
/** Queued events beyond which they are compacted into one clear per region (still safe, smaller). */
const MAX_QUEUE = 20_000;

function describe(batch: CacheInvalidation[]): string {
  if (batch.length === 1) {
    const e = batch[0]!;
    return `cache invalidation of region ${e.region} (${e.op}${e.keys ? ` ${e.keys.join(',')}` : ''})`;
  }
  return `${batch.length} cache invalidations (regions ${[...new Set(batch.map((e) => e.region))].join(', ')})`;
}

/**
 * Invalidation over the grid's reliable topic (`eventInvalidation=true`, OX's default). One publish
 * is in flight at a time; events raised meanwhile travel together in the next message, which keeps
 * their order and lets throughput follow the load instead of the round trip.
 */
export function gridTopicTransport(grid: GridService, sink: InvalidationSink, logger: Logger): InvalidationTransport {
  const topic = grid.getTopic<CacheEventMessage>(CACHE_EVENT_TOPIC);
  let closed = false;
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

  let queue: CacheInvalidation[] = [];
  let publishing = false;
  const flush = () => {
    if (publishing || closed || queue.length === 0) return;
    const batch = queue.splice(0, MAX_BATCH);
    publishing = true;
    const slow = setTimeout(() => logger.warn(`${describe(batch)} still not published on ${CACHE_EVENT_TOPIC} after ${SLOW_PUBLISH_MS} ms`), SLOW_PUBLISH_MS);
    slow.unref();
    topic.publish(batch)
      .catch((err: Error) => logger.warn(`${describe(batch)} not published on ${CACHE_EVENT_TOPIC}: ${err.message}`))
      .finally(() => {
        clearTimeout(slow);
        publishing = false;
        flush();
      });
  };

  return {
    mode: 'grid-topic',
    send(event) {
      queue.push(event);
      if (queue.length > MAX_QUEUE) {
        const regions = [...new Set(queue.map((e) => e.region))];
        logger.warn(`${queue.length} cache invalidations waiting for the grid topic; replaced by a clear of ${regions.join(', ')}`);
        queue = regions.map((region) => ({ region, op: 'clear', origin: event.origin }));
      }
      flush();
      return true;
    },
    async close() {
      closed = true;
      unsubscribe();
    },
  };
}
