/** Command counts and latency of this node's Redis client, for the MBean and `/metrics`. */
export class RedisStats {
  commands = 0;
  errors = 0;
  /** Attempts that failed and were retried (reconnects, failover, redirections beyond the client's own). */
  retries = 0;
  private totalMs = 0;
  maxMs = 0;
  /** Latencies of the last commands, for percentiles. */
  private readonly recent = new Float64Array(1024);
  private next = 0;

  succeeded(ms: number): void {
    this.commands++;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.recent[this.next++ % this.recent.length] = ms;
  }

  failed(): void {
    this.commands++;
    this.errors++;
  }

  get meanMs(): number {
    return this.commands - this.errors > 0 ? this.totalMs / (this.commands - this.errors) : 0;
  }

  /** The p-th percentile (0..100) of the last 1024 successful commands. */
  percentileMs(p: number): number {
    const n = Math.min(this.next, this.recent.length);
    if (n === 0) return 0;
    const sorted = Array.from(this.recent.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.floor((p / 100) * n))]!;
  }
}
