import { defineBundle } from '../../core/bundle.js';
import { GRID_SERVICE } from '../grid/api.js';
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
  deps: { grid: GRID_SERVICE },
  provides: [SESSION_STORAGE],
  start({ grid }, ctx) {
    const { config: map, notes } = findSessionsMap(ctx.files.under('hazelcast/'));
    for (const note of notes) ctx.logger.warn(note);
    const sessions = grid.getMap<StoredSession>(map.name);
    // sessiond owns sessionLongLifeTime and warns when the map evicts idle sessions before it.
    const maxIdle = map.maxIdleSeconds && { seconds: map.maxIdleSeconds.value, origin: map.maxIdleSeconds.origin };
    ctx.register(SESSION_STORAGE, new GridSessionStorage(sessions, ctx.logger, RETRY_FOR_MS, maxIdle));
    ctx.onStop(grid.onPartitionLost((event) => void reportLostSessions(event, sessions, grid.partitionCount(), ctx.logger)));
    ctx.logger.info(`sessions in grid map "${map.name}" (${map.origin})`);
  },
});
