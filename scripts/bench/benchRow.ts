/** One line of the benchmark table; `ratio = value / peerValue` is computed by the runner. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** What the same figure was compared with, measured in the same run (e.g. `redis 7 via ioredis`). */
  peer?: string;
  peerValue?: number;
  note?: string;
  /** Set when the measured thing itself failed (e.g. a fuzz target found a bug): the run exits non-zero. */
  failed?: string;
}

export interface BenchModule {
  run(): Promise<BenchRow[]>;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The p-th percentile (0-100) of a non-empty list, nearest rank. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
