import { mapLimit } from '../../test/support/sessionClient.js';
import { percentile } from './benchRow.js';

/** Latencies (ms) and wall time of calls, accumulated over rounds. */
export class CallLoad {
  readonly latencies: number[] = [];
  seconds = 0;

  /** Runs `count` calls with `parallel` in flight. */
  async run(count: number, parallel: number, call: (i: number) => Promise<void>): Promise<void> {
    const t0 = performance.now();
    await mapLimit(Array.from({ length: count }, (_, i) => i), parallel, async (i) => {
      const t = performance.now();
      await call(i);
      this.latencies.push(performance.now() - t);
    });
    this.seconds += (performance.now() - t0) / 1000;
  }

  get perSecond(): number {
    return this.latencies.length / this.seconds;
  }

  p(q: number): number {
    return percentile(this.latencies, q);
  }
}
