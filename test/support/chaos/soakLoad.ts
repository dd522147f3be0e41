import type { DriverClient } from './driverClient.js';

/** The soak's operation kinds: maps, sessions (created on one node, read on the next) and cache invalidations. */
export const SOAK_KINDS = ['map.put', 'map.get', 'session.create', 'session.get', 'session.logout', 'cache.put', 'cache.remove', 'cache.get'] as const;
export type SoakKind = (typeof SOAK_KINDS)[number];

/** Latencies (ms) and errors per kind since the last `take`. */
export class LatencyWindow {
  private samples = new Map<SoakKind, number[]>();
  private errors = 0;

  add(kind: SoakKind, ms: number, ok: boolean): void {
    if (!ok) this.errors++;
    let list = this.samples.get(kind);
    if (!list) this.samples.set(kind, (list = []));
    list.push(ms);
  }

  take(): { samples: Map<SoakKind, number[]>; errors: number } {
    const out = { samples: this.samples, errors: this.errors };
    this.samples = new Map();
    this.errors = 0;
    return out;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Steady mixed load: one loop per node, pausing `pauseMs` between steps, until `stop`. */
export class SoakLoad {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly clients: DriverClient[], private readonly window: LatencyWindow, private readonly map: string, private readonly pauseMs: number) {}

  start(): void {
    this.running = true;
    this.loops = this.clients.map((_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async timed(kind: SoakKind, client: DriverClient, method: 'GET' | 'POST', op: string, params: Record<string, string>): Promise<string | null | undefined> {
    const start = performance.now();
    const a = await client.call(method, op, params);
    this.window.add(kind, performance.now() - start, a.outcome === 'ok');
    return a.outcome === 'ok' ? (a.body?.value ?? null) : undefined;
  }

  private async loop(i: number): Promise<void> {
    const here = this.clients[i]!;
    const next = this.clients[(i + 1) % this.clients.length]!;
    for (let n = 0; this.running; n++) {
      const key = `soak-${i}-${n % 1000}`;
      await this.timed('map.put', here, 'POST', 'put', { map: this.map, key, value: `v${n}` });
      await this.timed('map.get', next, 'GET', 'get', { map: this.map, key });
      const id = await this.timed('session.create', here, 'POST', 'sessionCreate', { user: `soak${n % 50}` });
      if (id) {
        await this.timed('session.get', next, 'GET', 'sessionGet', { id });
        await this.timed('session.logout', here, 'POST', 'sessionLogout', { id });
      }
      await this.timed('cache.put', here, 'POST', 'cachePut', { region: 'User', key, value: `v${n}` });
      await this.timed('cache.remove', here, 'POST', 'cacheRemove', { region: 'User', key });
      await this.timed('cache.get', next, 'GET', 'cacheGet', { region: 'User', key });
      await delay(this.pauseMs);
    }
  }
}
