import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { Logger } from 'winston';
import type { CacheInvalidation, CacheRegion, CacheService, RegionSettings } from '../api.js';
import type { CcfModel } from '../ccf/parseCcf.js';
import { isCacheInvalidation, type InvalidationSink, type InvalidationTransport } from '../invalidation/transport.js';
import { coarseClock } from './coarseClock.js';
import { Region, type LocalInvalidation } from './region.js';

export interface CacheServiceOptions {
  model: CcfModel;
  logger: Logger;
  /** `com.openexchange.caching.jcs.enabled`; false: regions exist but hold nothing. */
  enabled?: boolean;
  /** LTCP's IssueRemoveOnPut, honoured only when the lateral TCP auxiliary carries the events. */
  issueRemoveOnPut?: boolean;
  now?: () => number;
}

/** The regions of this node and the bridge between them and the invalidation transport. */
export class JcsCacheService implements CacheService, InvalidationSink {
  readonly nodeId = randomUUID();
  private readonly regions = new Map<string, Region>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly localListeners = new Set<(event: CacheInvalidation) => void>();
  private transport: InvalidationTransport | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CacheServiceOptions) {
    this.now = options.now ?? coarseClock();
    for (const settings of options.model.regions.values()) this.create(settings);
  }

  get invalidationMode(): CacheService['invalidationMode'] {
    return this.transport?.mode ?? 'local';
  }

  /** Starts sending distributed regions' changes through `transport`. */
  attach(transport: InvalidationTransport): void {
    this.transport = transport;
  }

  region<V = unknown>(name: string): CacheRegion<V> {
    return (this.regions.get(name) ?? this.create({ ...this.options.model.defaults, name })) as Region<V>;
  }

  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /**
   * A cache.ccf read again (`oxk config reload`): every region takes its new sizes and lifetimes,
   * regions made later the new defaults. Returns the names of the regions whose settings changed.
   */
  reconfigure(model: CcfModel): string[] {
    this.options.model = model;
    const changed: string[] = [];
    for (const region of this.regions.values()) {
      const next = this.effective(model.regions.get(region.name) ?? { ...model.defaults, name: region.name });
      if (JSON.stringify(next) === JSON.stringify(region.settings)) continue;
      region.reconfigure(next);
      changed.push(region.name);
    }
    return changed;
  }

  /** Every region, for management. */
  all(): Region[] {
    return [...this.regions.values()];
  }

  onLocalInvalidation(listener: (event: CacheInvalidation) => void): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  receive(event: unknown, from: string): void {
    if (!isCacheInvalidation(event)) {
      this.options.logger.warn(`cache invalidation from ${from} dropped: malformed event ${inspect(event, { depth: 3, breakLength: Infinity }).slice(0, 200)}`);
      return;
    }
    if (event.origin === this.nodeId) return;
    try {
      this.regions.get(event.region)?.applyRemote(event);
    } catch (err) {
      this.options.logger.warn(`cache invalidation from ${from} for region ${event.region} dropped: ${(err as Error).message}`);
    }
  }

  clearDistributedForGap(): string[] {
    const cleared = this.all().filter((r) => r.settings.distributed);
    for (const region of cleared) region.clearForGap();
    return cleared.map((r) => r.name);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.transport?.close();
    this.transport = undefined;
  }

  /** With caching switched off, a region holds nothing. */
  private effective(base: RegionSettings): RegionSettings {
    return this.options.enabled === false ? { ...base, maxObjects: 0 } : base;
  }

  private create(base: RegionSettings): Region {
    const settings = this.effective(base);
    const region = new Region(settings, {
      now: this.now,
      issueRemoveOnPut: this.options.issueRemoveOnPut ?? false,
      invalidate: (event) => this.send(event),
    });
    this.regions.set(settings.name, region);
    if (settings.useMemoryShrinker && settings.maxObjects > 0) {
      const timer = setInterval(() => {
        const removed = region.shrink();
        if (removed > 0) this.options.logger.debug(`cache region ${region.name}: shrinker removed ${removed} expired entries`);
      }, settings.shrinkerIntervalSeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
    return region;
  }

  private send(event: LocalInvalidation): boolean {
    const full: CacheInvalidation = { ...event, origin: this.nodeId };
    for (const listener of this.localListeners) {
      try {
        listener(full);
      } catch (err) {
        this.options.logger.warn(`cache invalidation listener failed for region ${event.region}: ${(err as Error).message}`);
      }
    }
    return this.transport?.send(full) ?? false;
  }
}
