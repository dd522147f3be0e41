import { defineBundle } from '../../core/bundle.js';
import { REDIS_SERVICE } from '../redis/api.js';
import { SESSION_STORAGE } from './api.js';
import { RedisSessionStorage } from './redisSessionStorage.js';

export default defineBundle({
  name: 'sessionstorage-redis',
  version: '1.0.0',
  description: 'Keeps every session in Redis: another node adopts it, and it survives a restart of every node',
  // com.openexchange.sessiond.redis.enabled is declared (and checked against the grid storage) by bundle redis.
  enabledBy: 'com.openexchange.sessiond.redis.enabled',
  deps: { redis: REDIS_SERVICE },
  provides: [SESSION_STORAGE],
  start({ redis }, ctx) {
    const storage = new RedisSessionStorage({ redis, logger: ctx.logger, waitForReplicas: redis.waitForReplicas });
    ctx.onStop(() => storage.close());
    ctx.register(SESSION_STORAGE, storage);
    ctx.logger.info(`sessions in ${storage.description}`);
  },
});
