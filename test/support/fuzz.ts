/**
 * fast-check options for a fuzz target: a few thousand cases in `npm test`, as many as
 * `OXK_FUZZ_RUNS` says in the fuzz benchmark (`npm run bench -- fuzz` sets 100000).
 */
export function fuzzOptions(inTests = 2000): { numRuns: number } {
  const fromEnv = Number(process.env.OXK_FUZZ_RUNS);
  return { numRuns: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : inTests };
}
