import { defineBundle } from '../../core/bundle.js';
import { HEALTH_SECTIONS } from '../http/api.js';
import { MBEANS } from '../management/api.js';
import { REDIS_SERVICE } from './api.js';
import { redisConfig, validateRedisConfig } from './config.js';
import { RedisConnection } from './connection.js';
import { parseHosts } from './hosts.js';
import { REDIS_MBEAN, redisMBean } from './redisMBean.js';

export default defineBundle({
  name: 'redis',
  version: '1.0.0',
  description: 'The connection to Redis (standalone, Sentinel or Cluster) for sessions and invalidation',
  provides: [REDIS_SERVICE],
  deps: {},
  namespaces: ['com.openexchange.redis.'],
  config: redisConfig,
  validate: validateRedisConfig,
  async start(_services, ctx) {
    if (!ctx.config.get('com.openexchange.redis.enabled')) {
      ctx.logger.info('com.openexchange.redis.enabled=false: no connection to Redis, this bundle provides nothing');
      return;
    }
    const mode = ctx.config.get('com.openexchange.redis.mode');
    const redis = new RedisConnection({
      mode,
      hosts: parseHosts(ctx.config.get('com.openexchange.redis.hosts'), mode === 'sentinel' ? 26379 : 6379),
      masterId: ctx.config.get('com.openexchange.redis.sentinel.masterId'),
      username: ctx.config.get('com.openexchange.redis.username'),
      password: ctx.config.get('com.openexchange.redis.password'),
      ssl: ctx.config.get('com.openexchange.redis.ssl'),
      database: ctx.config.get('com.openexchange.redis.database'),
      connectTimeoutMs: ctx.config.get('com.openexchange.redis.connectTimeoutMillis'),
      commandTimeoutMs: ctx.config.get('com.openexchange.redis.commandTimeoutMillis'),
      waitForReplicas: ctx.config.get('com.openexchange.redis.waitForReplicas'),
      cacheInvalidation: ctx.config.get('com.openexchange.redis.cacheInvalidation'),
      name: `oxk-${ctx.node.route}`,
      logger: ctx.logger,
    });
    ctx.onStop(() => redis.close());
    await redis.connect();
    ctx.register(REDIS_SERVICE, redis);
    ctx.contribute(HEALTH_SECTIONS, {
      name: 'redis',
      section: () => {
        const s = redis.status();
        return { up: s.connected, details: { ...s }, publicFields: ['connected', 'mode'] };
      },
    });
    ctx.contribute(MBEANS, { objectName: REDIS_MBEAN, mbean: redisMBean(redis) });
  },
});
