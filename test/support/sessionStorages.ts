import { RedisProcess } from './redisServers.js';

/** One way to keep sessions, for session tests that must pass with either storage. */
export interface SessionStorageVariant {
  readonly name: 'grid' | 'redis';
  /** Properties for every node of the test. */
  readonly set: Record<string, string | number | boolean>;
  /** Starts what the storage needs outside the nodes (a Redis server); call before the nodes start. */
  up(): Promise<void>;
  down(): Promise<void>;
}

/**
 * The grid storage (the default) and the Redis storage, the latter on a real `redis-server` at
 * `redisAddress` (`host:port`, from the test file's own addresses) with the grid still running for
 * everything else: the "both" configuration an operator moves to first.
 */
export function sessionStorageVariants(redisAddress: string): SessionStorageVariant[] {
  let redis: RedisProcess | undefined;
  return [
    { name: 'grid', set: {}, up: async () => undefined, down: async () => undefined },
    {
      name: 'redis',
      set: {
        'com.openexchange.redis.enabled': true,
        'com.openexchange.redis.hosts': redisAddress,
        'com.openexchange.sessiond.redis.enabled': true,
        'com.openexchange.sessionstorage.hazelcast.enabled': false,
      },
      up: async () => {
        redis = await RedisProcess.start(redisAddress);
      },
      down: async () => {
        await redis?.remove();
      },
    },
  ];
}
