import type { Logger } from 'winston';
import { CACHE_EVENTS_CHANNEL, type RedisService } from '../../redis/api.js';
import { batchedPublisher } from './batchedPublisher.js';
import type { InvalidationSink, InvalidationTransport } from './transport.js';

/**
 * Invalidation over the Redis channel `ox-channel:cacheEvents` (`eventInvalidation=true` with
 * `com.openexchange.redis.cacheInvalidation=true`), sent in batches (`batchedPublisher`). Pub/sub is
 * fire-and-forget: when the subscription was down, this node cannot know what it missed, so it
 * clears its distributed regions.
 */
export function redisChannelTransport(redis: RedisService, sink: InvalidationSink, logger: Logger): InvalidationTransport {
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

  const publisher = batchedPublisher((batch) => redis.publish(CACHE_EVENTS_CHANNEL, batch), { waitingFor: 'Redis', on: CACHE_EVENTS_CHANNEL }, logger);
  return {
    mode: 'redis-channel',
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
