/** What a truthy check leaves of T. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls `condition` until it returns a truthy value or the deadline passes; the error names `what`. */
export async function waitFor<T>(what: string, condition: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: last error ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
