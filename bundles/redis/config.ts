import { type BundleConfig, property } from '../../core/bundle.js';
import { parseHosts } from './hosts.js';

/** Open-Xchange 8's Redis properties, plus the switches that choose Redis over the grid. */
export const redisConfig = {
  'com.openexchange.redis.enabled': property({ doc: 'Connect to Redis', format: 'Boolean', default: false }),
  'com.openexchange.redis.mode': property({ doc: 'standalone, sentinel or cluster', format: ['standalone', 'sentinel', 'cluster'] as const, default: 'standalone' as 'standalone' | 'sentinel' | 'cluster' }),
  'com.openexchange.redis.hosts': property({
    doc: 'host[:port] list: the server (standalone), the sentinels (sentinel, port 26379 by default) or cluster seed nodes', format: 'String', default: 'localhost:6379',
  }),
  'com.openexchange.redis.sentinel.masterId': property({ doc: 'Name of the master the sentinels watch', format: 'String', default: 'mymaster' }),
  'com.openexchange.redis.username': property({ doc: 'ACL user; empty: the default user', format: 'String', default: '' }),
  'com.openexchange.redis.password': property({ doc: 'Password; empty: none', format: 'String', default: '', sensitive: true }),
  'com.openexchange.redis.ssl': property({ doc: 'TLS to Redis (and the sentinels)', format: 'Boolean', default: false }),
  'com.openexchange.redis.database': property({ doc: 'Database number (standalone and sentinel; cluster has only 0)', format: 'nat', default: 0 }),
  'com.openexchange.redis.commandTimeoutMillis': property({
    doc: 'How long a command keeps being retried (reconnects, failover, resharding) before it fails', format: 'nat', default: 5000,
  }),
  'com.openexchange.redis.connectTimeoutMillis': property({ doc: 'Timeout of one connection attempt', format: 'nat', default: 5000 }),
  'com.openexchange.redis.waitForReplicas': property({
    doc: 'Replicas a session write waits for (WAIT) before the login is acknowledged, so a failover cannot lose it; 0: none',
    format: 'nat', default: 0,
  }),
  'com.openexchange.redis.cacheInvalidation': property({
    doc: 'true: cache-jcs invalidates distributed regions over the Redis channel ox-channel:cacheEvents instead of the grid topic', format: 'Boolean', default: false,
  }),
  'com.openexchange.sessiond.redis.enabled': property({
    doc: 'true: sessions are kept in Redis (bundle sessionstorage-redis)', format: 'Boolean', default: false,
  }),
  'com.openexchange.sessionstorage.hazelcast.enabled': property({
    doc: 'true: sessions are kept in the grid map (bundle sessionstorage-grid)', format: 'Boolean', default: true,
  }),
};

export type RedisConfig = BundleConfig<typeof redisConfig>;

/** Rules across keys: contradictions `oxk config check` refuses, each `file:line key: reason`. */
export function validateRedisConfig(config: RedisConfig): string[] {
  const problems: string[] = [];
  const at = (key: keyof typeof redisConfig & string, reason: string) => problems.push(`${config.origin(key)} ${key}: ${reason}`);
  const redis = config.get('com.openexchange.redis.enabled');
  const mode = config.get('com.openexchange.redis.mode');
  if (config.get('com.openexchange.sessiond.redis.enabled')) {
    if (config.get('com.openexchange.sessionstorage.hazelcast.enabled')) {
      at('com.openexchange.sessiond.redis.enabled', `sessions cannot be kept in Redis and in the grid at once: set com.openexchange.sessionstorage.hazelcast.enabled=false (${config.origin('com.openexchange.sessionstorage.hazelcast.enabled')})`);
    }
    if (!redis) at('com.openexchange.sessiond.redis.enabled', `sessions in Redis need com.openexchange.redis.enabled=true (${config.origin('com.openexchange.redis.enabled')})`);
  }
  if (config.get('com.openexchange.redis.cacheInvalidation') && !redis) {
    at('com.openexchange.redis.cacheInvalidation', `cache invalidation over Redis needs com.openexchange.redis.enabled=true (${config.origin('com.openexchange.redis.enabled')})`);
  }
  if (!redis) return problems;
  try {
    parseHosts(config.get('com.openexchange.redis.hosts'), mode === 'sentinel' ? 26379 : 6379);
  } catch (err) {
    at('com.openexchange.redis.hosts', (err as Error).message);
  }
  if (mode === 'sentinel' && !config.get('com.openexchange.redis.sentinel.masterId').trim()) at('com.openexchange.redis.sentinel.masterId', 'sentinel mode needs the master\'s name');
  if (mode === 'cluster' && config.get('com.openexchange.redis.database') !== 0) at('com.openexchange.redis.database', 'Redis Cluster has only database 0');
  if (config.get('com.openexchange.redis.commandTimeoutMillis') < 1) at('com.openexchange.redis.commandTimeoutMillis', 'must be at least 1');
  return problems;
}
