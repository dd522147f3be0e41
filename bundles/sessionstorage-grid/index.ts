import { defineBundle } from '../../core/bundle.js';
import { GRID_SERVICE } from '../grid/api.js';
import { SESSION_LONG_LIFETIME } from '../sessiond/api.js';
import { SESSION_STORAGE, type StoredSession } from './api.js';
import { GridSessionStorage } from './gridSessionStorage.js';
import { findSessionsMap } from './mapConfig.js';
import { reportLostSessions } from './lostSessions.js';

/** Long enough to outlast a member's removal after a crash (heartbeat timeout) and the backup's promotion. */
const RETRY_FOR_MS = 15_000;

export default defineBundle({
  name: 'sessionstorage-grid',
  version: '1.0.0',
  description: 'Keeps every session in a grid map, so another node can adopt it when its node stops or dies',
  // com.openexchange.sessionstorage.hazelcast.enabled is declared (and checked against Redis) by bundle redis.
  enabledBy: 'com.openexchange.sessionstorage.hazelcast.enabled',
  requires: [GRID_SERVICE],
  provides: [SESSION_STORAGE],
  config: SESSION_LONG_LIFETIME,
  start(ctx) {
    const { config: map, notes } = findSessionsMap(ctx.files.under('hazelcast/'));
    for (const note of notes) ctx.logger.warn(note);
    const longLifeTimeMs = ctx.config.get('com.openexchange.sessiond.sessionLongLifeTime');
    const idle = map.maxIdleSeconds;
    if (idle && idle.value > 0 && idle.value * 1000 < longLifeTimeMs) {
      ctx.logger.warn(`${idle.origin} maxIdleSeconds=${idle.value} of map "${map.name}" is below com.openexchange.sessiond.sessionLongLifeTime (${longLifeTimeMs / 1000} s, ${ctx.config.origin('com.openexchange.sessiond.sessionLongLifeTime')}): sessions idle that long are evicted from the grid before they expire and can no longer move to another node; set it higher`);
    }
    const grid = ctx.get(GRID_SERVICE);
    const sessions = grid.getMap<StoredSession>(map.name);
    ctx.register(SESSION_STORAGE, new GridSessionStorage(sessions, ctx.logger, RETRY_FOR_MS));
    ctx.onStop(grid.onPartitionLost((event) => void reportLostSessions(event, sessions, grid.partitionCount(), ctx.logger)));
    ctx.logger.info(`sessions in grid map "${map.name}" (${map.origin})`);
  },
});
