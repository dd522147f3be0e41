import type { Logger } from 'winston';
import type { DefaultMBeanServer } from '../server/mbeanServer.js';
import { type Attrs, type ConsoleSnapshot, MBEAN_PATTERNS, readSnapshot } from './consoleSnapshot.js';
import { num } from './mbeanRows.js';
import { Ring } from './ring.js';

/** One point of a map's charts: operations per second and mean latency (ms) over the last interval. */
export interface MapPoint { t: number; ops: number; latencyMs: number | null }
/** One point of a topic's chart: messages published per second from this node. */
export interface TopicPoint { t: number; publishPerSec: number }

export interface SamplerOptions {
  intervalMs: number;
  /** Points kept per map and topic (intervalMs x historyPoints = the charts' span). */
  historyPoints: number;
}

export const DEFAULT_SAMPLER: SamplerOptions = { intervalMs: 1000, historyPoints: 300 };

/** How often the sampler checks, between ticks, whether the member list changed (a cheap name query). */
const MEMBER_WATCH_MS = 250;

const OPS = ['localGetOperationCount', 'localPutOperationCount', 'localRemoveOperationCount'];
const LATENCIES = ['localTotalGetLatency', 'localTotalPutLatency', 'localTotalRemoveLatency'];

const sum = (a: Attrs, keys: string[]) => keys.reduce((n, k) => n + (num(a[k]) ?? 0), 0);

/**
 * Reads the MBeans once per interval for every connected console, only while at least one is
 * connected; serializes each snapshot once and hands the same text to every stream. Keeps bounded
 * rings of map and topic rates for the charts.
 */
export class ConsoleSampler {
  private readonly listeners = new Set<(snapshot: string) => void>();
  private readonly maps = new Map<string, Ring<MapPoint>>();
  private readonly topics = new Map<string, Ring<TopicPoint>>();
  private timer?: NodeJS.Timeout;
  private memberWatch?: NodeJS.Timeout;
  private members = '';
  private previous?: ConsoleSnapshot;
  private latestText?: string;
  private ticking = false;

  constructor(private readonly server: DefaultMBeanServer, private readonly logger: Logger, private readonly options = DEFAULT_SAMPLER) {}

  /** Adds a listener (starting the sampler for the first); the returned function removes it. */
  subscribe(listener: (snapshot: string) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The last snapshot's JSON, for a console that just connected. */
  latest(): string | undefined {
    return this.latestText;
  }

  /** The charts' points so far, as JSON `{maps: {name: MapPoint[]}, topics: {name: TopicPoint[]}}`. */
  history(): string {
    const rings = <T>(m: Map<string, Ring<T>>) => Object.fromEntries([...m].map(([name, ring]) => [name, ring.toArray()]));
    return JSON.stringify({ maps: rings(this.maps), topics: rings(this.topics) });
  }

  get consoles(): number {
    return this.listeners.size;
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.memberWatch);
    this.timer = undefined;
    this.memberWatch = undefined;
    this.previous = undefined;
    this.latestText = undefined;
    this.maps.clear();
    this.topics.clear();
  }

  private start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
    // A member that joins or dies shows at once, not up to a second later.
    this.memberWatch = setInterval(() => {
      if (this.memberNames() !== this.members) void this.tick();
    }, MEMBER_WATCH_MS);
    this.memberWatch.unref();
  }

  private memberNames(): string {
    return this.server.query(MBEAN_PATTERNS.member).join('\n');
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // a slow read (a map size waiting on a dead member) skips a beat instead of piling up
    this.ticking = true;
    try {
      const members = this.memberNames();
      const snapshot = await readSnapshot(this.server);
      if (!this.timer) return; // the last console left while reading
      this.addRates(snapshot);
      this.previous = snapshot;
      this.members = members;
      this.latestText = JSON.stringify(snapshot);
      for (const listener of this.listeners) listener(this.latestText);
    } catch (err) {
      this.logger.warn(`console: reading the MBeans failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Per-map ops/s and latency and per-topic publish rate since the previous tick, into the snapshot and the rings. */
  private addRates(now: ConsoleSnapshot): void {
    const before = this.previous;
    const seconds = before ? (now.at - before.at) / 1000 : 0;
    const find = (list: Attrs[], name: unknown) => list.find((a) => a.name === name);
    for (const map of now.maps) {
      const old = before && find(before.maps, map.name);
      if (!old || seconds <= 0) continue;
      const ops = Math.max(0, sum(map, OPS) - sum(old, OPS));
      const point = { t: now.at, ops: ops / seconds, latencyMs: ops > 0 ? Math.max(0, sum(map, LATENCIES) - sum(old, LATENCIES)) / ops : null };
      Object.assign(map, { opsPerSec: point.ops, latencyMs: point.latencyMs });
      this.ring(this.maps, String(map.name)).push(point);
    }
    for (const topic of now.topics) {
      const old = before && find(before.topics, topic.name);
      if (!old || seconds <= 0) continue;
      const published = Math.max(0, (num(topic.localPublishOperationCount) ?? 0) - (num(old.localPublishOperationCount) ?? 0));
      const point = { t: now.at, publishPerSec: published / seconds };
      topic.publishPerSec = point.publishPerSec;
      this.ring(this.topics, String(topic.name)).push(point);
    }
    forgetMissing(this.maps, now.maps);
    forgetMissing(this.topics, now.topics);
  }

  private ring<T>(rings: Map<string, Ring<T>>, name: string): Ring<T> {
    let ring = rings.get(name);
    if (!ring) rings.set(name, (ring = new Ring<T>(this.options.historyPoints)));
    return ring;
  }
}

/** Drops the rings of maps and topics that no longer exist, so their number stays bounded too. */
function forgetMissing(rings: Map<string, unknown>, present: Attrs[]): void {
  const names = new Set(present.map((a) => String(a.name)));
  for (const name of rings.keys()) if (!names.has(name)) rings.delete(name);
}
