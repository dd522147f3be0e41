import type { Logger } from 'winston';
import type { GridService } from '../../grid/api.js';
import { CACHE_EVENT_TOPIC, type CacheEventMessage, type CacheInvalidation } from '../api.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/** A publish slower than this is logged: other nodes serve stale entries until it arrives. */
const SLOW_PUBLISH_MS = 5000;
/** Longest wait between empty probe messages, published until this node receives one of its own. */
const PROBE_MS = 1000;
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
  const startedAt = Date.now();
  let receiving = false;
  let warned = false;
  let closed = false;
  let probeTimer: NodeJS.Timeout | undefined;
  let probes = 0;
  // A subscriber starts at the ring's tail when its first read completes, not when it subscribes:
  // what is published in between never reaches it. Until this node receives a message of its own,
  // distributed regions therefore hold nothing, so there is nothing such a message should have removed.
  sink.setDistributedCaching(false);
  const probe = () => {
    if (receiving || closed) return;
    if (!warned && Date.now() - startedAt >= 10 * PROBE_MS) {
      warned = true;
      logger.warn(`distributed cache regions still hold nothing: no message of this node came back on ${CACHE_EVENT_TOPIC} within ${10 * PROBE_MS} ms`);
    }
    topic.publish([]).catch((err: Error) => logger.debug(`cache invalidation probe not published on ${CACHE_EVENT_TOPIC}: ${err.message}`));
    probeTimer = setTimeout(probe, Math.min(PROBE_MS, 50 * 2 ** probes++));
    probeTimer.unref();
  };

  const unsubscribe = topic.subscribe({
    message: (m) => {
      if (!receiving && m.publisher === grid.localMember.id) {
        receiving = true;
        clearTimeout(probeTimer);
        sink.setDistributedCaching(true);
        logger.info(`cache invalidation topic ${CACHE_EVENT_TOPIC} delivers to this node (after ${Date.now() - startedAt} ms): distributed regions cache from now on`);
      }
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

  probe();

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
      clearTimeout(probeTimer);
      unsubscribe();
    },
  };
}
