import type { ChaosCluster } from './chaosCluster.js';
import type { FaultName, HistoryWriter } from './history.js';
import type { Rng } from './rng.js';
import { waitFor } from '../waitFor.js';

export interface NemesisOptions {
  /** How long clients run against the fault once the cluster has noticed it, ms. */
  holdMs: number;
  /** How long to wait for the cluster to notice a fault, and for cluster safe after a heal, ms. */
  noticeTimeoutMs: number;
  safeTimeoutMs: number;
}

/** A fault in place: the routes it acted on, the nodes whose /health shows it, and how to undo it. */
interface Injected {
  nodes: number[];
  /** Polled until true (or the notice timeout): the cluster has seen the fault. */
  noticed(): Promise<boolean>;
  heal(): Promise<void>;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Injects one fault at a time into a `ChaosCluster`, holds it while the clients run, heals it and
 * waits for cluster safe; every step goes into the history as a nemesis record.
 */
export class Nemesis {
  constructor(private readonly cluster: ChaosCluster, private readonly history: HistoryWriter, private readonly rng: Rng, private readonly options: NemesisOptions, private readonly t0: number) {}

  private now(): number {
    return performance.now() - this.t0;
  }

  /** Sees exactly `members` members on /health of every node in `indices`. */
  private sees(indices: number[], members: number): Promise<boolean> {
    return Promise.all(indices.map((i) => this.cluster.health(i))).then((all) => all.every((h) => h?.grid?.members === members));
  }

  private others(nodes: number[]): number[] {
    return this.cluster.indices().filter((i) => !nodes.includes(i));
  }

  /** Injects `fault`, holds it, heals it; resolves with ms from heal to cluster safe, or rejects when the cluster stays unsafe. */
  async run(fault: FaultName): Promise<number> {
    const injected = await this.inject(fault);
    const routes = injected.nodes.map((i) => this.cluster.routes[i]!);
    this.history.add({ type: 'nemesis', fault, phase: 'start', nodes: routes, time: this.now() });
    const noticed = await waitFor(`${fault} of ${routes.join(', ')} seen on /health`, () => injected.noticed(), this.options.noticeTimeoutMs, 100).then(() => true, () => false);
    // The fault's duration: the clients run against it (not a synchronisation, the notice is).
    await delay(this.options.holdMs);
    await injected.heal();
    const healed = this.now();
    this.history.add({ type: 'nemesis', fault, phase: 'heal', nodes: routes, time: healed, noticed });
    try {
      const ms = await this.cluster.waitSafe(this.cluster.indices(), this.options.safeTimeoutMs);
      this.history.add({ type: 'nemesis', fault, phase: 'safe', nodes: routes, time: this.now(), ms });
      return ms;
    } catch (err) {
      this.history.add({ type: 'nemesis', fault, phase: 'unsafe', nodes: routes, time: this.now(), ms: this.now() - healed });
      throw new Error(`after healing ${fault} of ${routes.join(', ')}: ${(err as Error).message}`);
    }
  }

  private async inject(fault: FaultName): Promise<Injected> {
    const c = this.cluster;
    const n = c.indices().length;
    const all = c.indices();
    switch (fault) {
      case 'kill':
      case 'term': {
        const i = this.rng.pick(all);
        const node = c.nodes[i]!;
        node.signal(fault === 'kill' ? 'SIGKILL' : 'SIGTERM');
        await node.waitForExit(30_000);
        return { nodes: [i], noticed: () => this.sees(this.others([i]), n - 1), heal: () => c.restart(i) };
      }
      case 'pause': {
        const i = this.rng.pick(all);
        c.nodes[i]!.signal('SIGSTOP');
        return { nodes: [i], noticed: () => this.sees(this.others([i]), n - 1), heal: async () => c.nodes[i]!.signal('SIGCONT') };
      }
      case 'partition-one':
      case 'partition-master': {
        const i = fault === 'partition-master' ? await c.master() : this.rng.pick(all);
        return this.partition([i], this.others([i]));
      }
      case 'partition-halves': {
        const order = this.rng.shuffle(all);
        return this.partition(order.slice(0, Math.floor(n / 2)), order.slice(Math.floor(n / 2)));
      }
      case 'partition-bridge': {
        if (n < 3) throw new Error(`a bridge partition needs at least 3 nodes, the cluster has ${n}`);
        // One node keeps both sides; the sides cannot reach each other.
        const [bridge, ...rest] = this.rng.shuffle(all);
        const left = rest.slice(0, Math.floor(rest.length / 2));
        const right = rest.slice(Math.floor(rest.length / 2));
        await c.net.cut(left.map((i) => c.addresses[i]!), right.map((i) => c.addresses[i]!));
        return {
          nodes: [bridge!, ...left],
          noticed: async () => (await Promise.all(all.map((i) => c.health(i)))).some((h) => (h?.grid?.members ?? n) < n),
          heal: () => c.net.heal(),
        };
      }
    }
  }

  private async partition(side: number[], other: number[]): Promise<Injected> {
    const c = this.cluster;
    await c.net.cut(side.map((i) => c.addresses[i]!), other.map((i) => c.addresses[i]!));
    return {
      nodes: side,
      noticed: async () => (await this.sees(side, side.length)) && this.sees(other, other.length),
      heal: () => c.net.heal(),
    };
  }
}
