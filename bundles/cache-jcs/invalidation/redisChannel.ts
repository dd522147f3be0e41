import type { Logger } from 'winston';
import { CACHE_EVENTS_CHANNEL, type RedisService } from '../../redis/api.js';
import type { CacheInvalidation } from '../api.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/** Events per message. */
const MAX_BATCH = 500;
/** Queued events beyond which they are compacted into one clear per region (still safe, smaller). */
const MAX_QUEUE = 20_000;

/**
 * Invalidation over the Redis channel `ox-channel:cacheEvents` (`eventInvalidation=true` with
 * `com.openexchange.redis.cacheInvalidation=true`). One publish is in flight at a time; events
 * raised meanwhile go together in the next message, in order. Pub/sub is fire-and-forget: when the
 * subscription was down, this node cannot know what it missed, so it clears its distributed regions.
 */
export function redisChannelTransport(redis: RedisService, sink: InvalidationSink, logger: Logger): InvalidationTransport {
  let closed = false;
  const unsubscribe = redis.subscribe(CACHE_EVENTS_CHANNEL, {
    message: (payload, sender) => {
      const from = `Redis node ${sender}`;
      if (Array.isArray(payload)) for (const event of payload) sink.receive(event, from);
      else sink.receive(payload, from);
    },
    gap: (reason) => {
      const regions = sink.clearDistributedForGap();
      logger.warn(`cache invalidation channel ${CACHE_EVENTS_CHANNEL}: ${reason}; invalidations sent meanwhile are lost, so ${regions.length} distributed regions were cleared locally (${regions.join(', ')})`);
    },
  });
  logger.info(`cache invalidation over ${redis.description} channel ${CACHE_EVENTS_CHANNEL}; jcs.auxiliary.LTCP.* settings are ignored`);

  let queue: CacheInvalidation[] = [];
  let publishing = false;
  const flush = () => {
    if (publishing || closed || queue.length === 0) return;
    const batch = queue.splice(0, MAX_BATCH);
    publishing = true;
    redis.publish(CACHE_EVENTS_CHANNEL, batch)
      .catch((err: Error) => logger.warn(`${batch.length} cache invalidation(s) (regions ${[...new Set(batch.map((e) => e.region))].join(', ')}) not published: ${err.message}`))
      .finally(() => {
        publishing = false;
        flush();
      });
  };

  return {
    mode: 'redis-channel',
    send(event) {
      queue.push(event);
      if (queue.length > MAX_QUEUE) {
        const regions = [...new Set(queue.map((e) => e.region))];
        logger.warn(`${queue.length} cache invalidations waiting for Redis; replaced by a clear of ${regions.join(', ')}`);
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
