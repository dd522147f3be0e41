import type { Logger } from 'winston';
import type { CacheInvalidation } from '../api.js';

/** A publish slower than this is logged: other nodes serve stale entries until it arrives. */
const SLOW_PUBLISH_MS = 5000;
/** Events per message. */
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

export interface BatchedPublisher {
  send(event: CacheInvalidation): void;
  close(): void;
}

/**
 * The sending half of a broadcast transport (grid topic, Redis channel): one publish is in flight at
 * a time and events raised meanwhile travel together in the next message, which keeps their order and
 * lets throughput follow the load instead of the round trip. `names` say, for log lines, what a
 * backlog waits for and which topic or channel a message goes on.
 */
export function batchedPublisher(
  publish: (batch: CacheInvalidation[]) => Promise<unknown>,
  names: { waitingFor: string; on: string },
  logger: Logger,
): BatchedPublisher {
  let queue: CacheInvalidation[] = [];
  let publishing = false;
  let closed = false;
  const flush = () => {
    if (publishing || closed || queue.length === 0) return;
    const batch = queue.splice(0, MAX_BATCH);
    publishing = true;
    const slow = setTimeout(() => logger.warn(`${describe(batch)} still not published on ${names.on} after ${SLOW_PUBLISH_MS} ms`), SLOW_PUBLISH_MS);
    slow.unref();
    publish(batch)
      .catch((err: Error) => logger.warn(`${describe(batch)} not published on ${names.on}: ${err.message}`))
      .finally(() => {
        clearTimeout(slow);
        publishing = false;
        flush();
      });
  };
  return {
    send(event) {
      queue.push(event);
      if (queue.length > MAX_QUEUE) {
        const regions = [...new Set(queue.map((e) => e.region))];
        logger.warn(`${queue.length} cache invalidations waiting for ${names.waitingFor}; replaced by a clear of ${regions.join(', ')}`);
        queue = regions.map((region) => ({ region, op: 'clear', origin: event.origin }));
      }
      flush();
    },
    close() {
      closed = true;
    },
  };
}
