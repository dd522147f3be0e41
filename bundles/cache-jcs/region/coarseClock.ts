/**
 * A millisecond clock read at most once per `resolutionMs`: `Date.now()` costs more than the LRU
 * lookup itself, and JCS's expiry attributes are whole seconds. While synchronous code runs, the
 * time stands still (the refresh timer cannot fire), which only delays expiry a little.
 */
export function coarseClock(resolutionMs = 10): () => number {
  let cached = 0;
  let fresh = false;
  return () => {
    if (!fresh) {
      cached = Date.now();
      fresh = true;
      setTimeout(() => {
        fresh = false;
      }, resolutionMs).unref();
    }
    return cached;
  };
}
