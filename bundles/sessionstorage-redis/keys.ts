/**
 * The key layout, after Open-Xchange 8. The id (or user) in braces is the Redis Cluster hash tag:
 * each command names one key, so no command crosses slots however the keys are spread.
 */
export const sessionKey = (id: string) => `ox-session:{${id}}`;
/** Set of a user's session ids. */
export const userKey = (user: string) => `ox-session-user:{${user}}`;
/** Sorted set id → last access written to Redis (short-term sessions; the expirer moves idle ones on). */
export const SHORT_TERM_KEY = 'ox-session-lastaccess:short';
/** Sorted set id → last access of sessions idle longer than the default lifetime. */
export const LONG_TERM_KEY = 'ox-session-lastaccess:long';
/** Held by the node whose expirer runs this round. */
export const EXPIRER_LOCK_KEY = 'ox-session-expirer-lock';
/** Counter of sessions created in the cluster since Redis holds them (INCR on every stored login). */
export const CREATED_COUNTER_KEY = 'ox-session-counter:created';
/** Counter of sessions removed (logout or expiry). */
export const REMOVED_COUNTER_KEY = 'ox-session-counter:removed';
