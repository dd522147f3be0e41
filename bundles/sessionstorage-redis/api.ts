/** This bundle provides sessiond's storage SPI; the token and interfaces live in sessiond's api. */
export { SESSION_STORAGE, type SessionStorage, type StoredSession } from '../sessiond/api.js';
