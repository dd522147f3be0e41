/** This bundle provides sessiond's storage SPI; the token and interfaces live in sessiond's api. */
export { SESSION_STORAGE, type SessionStorage, type StoredSession } from '../sessiond/api.js';

/** The grid map that holds the sessions, as read from `hazelcast/*.properties`. */
export interface SessionsMapConfig {
  name: string;
  /** Where the map was configured, e.g. `hazelcast/sessions.properties:29`, or `default`. */
  origin: string;
  /** 0: never evicted for idleness. */
  maxIdleSeconds?: { value: number; origin: string };
}
