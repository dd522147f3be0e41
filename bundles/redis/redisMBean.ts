import type { MBean } from '../management/api.js';
import type { RedisConnection } from './connection.js';

/** MBean name; `/metrics` exports its numbers as `com_openexchange_redis_connection_*`. */
export const REDIS_MBEAN = 'com.openexchange.redis:type=Connection';

/** Commands, errors and latency of this node's Redis client. */
export function redisMBean(redis: RedisConnection): MBean {
  const { stats } = redis;
  return {
    className: 'com.openexchange.redis.RedisConnectorMBean',
    description: `Redis client of this node (${redis.description})`,
    attributes: [
      { name: 'Connected', type: 'boolean', description: 'The command connection is ready', get: () => redis.status().connected },
      { name: 'Mode', type: 'java.lang.String', get: () => redis.mode },
      { name: 'Master', type: 'java.lang.String', description: 'Server commands go to (cluster: the seed nodes)', get: () => redis.status().master },
      { name: 'LastError', type: 'java.lang.String', get: () => redis.status().lastError ?? '' },
      { name: 'Commands', type: 'long', description: 'Command attempts, successful or not', get: () => stats.commands },
      { name: 'Errors', type: 'long', description: 'Failed command attempts (each retry counts)', get: () => stats.errors },
      { name: 'Retries', type: 'long', description: 'Attempts retried within commandTimeoutMillis', get: () => stats.retries },
      { name: 'LatencyMeanMillis', type: 'double', get: () => stats.meanMs },
      { name: 'LatencyMaxMillis', type: 'double', get: () => stats.maxMs },
      { name: 'LatencyP99Millis', type: 'double', description: 'Over the last 1024 successful commands', get: () => stats.percentileMs(99) },
    ],
  };
}
