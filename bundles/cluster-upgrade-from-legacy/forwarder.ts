import type { Logger } from 'winston';
import type { CacheInvalidation } from '../cache-jcs/api.js';
import type { LegacyLiteMember } from './legacy/liteMember.js';
import { publishToLegacyTopic } from './legacy/topicPublish.js';

/** 0.1.0's cache-jcs listens on this reliable topic (its `CACHE_EVENT_TOPIC`). */
const LEGACY_CACHE_TOPIC = 'cacheEvents';
/** Events per topic message, as 0.1.0's cache-jcs sends them. */
const MAX_BATCH = 500;
/** Queued events beyond which they are compacted into one clear per region (still safe, smaller). */
const MAX_QUEUE = 20_000;
const PUBLISH_TIMEOUT_MS = 5000;

export interface ForwardStats {
  forwarded: number;
  failed: number;
  lastFailure: string;
  /** The legacy member that took the last message (owner of the topic's partition). */
  legacyNode: string;
}

/**
 * Forwards local invalidations of the configured regions to the legacy cluster's cache topic. One
 * publish is in flight at a time; events raised meanwhile travel together in the next message, so
 * their order is kept. A batch that cannot be published within the deadline is counted as failed.
 */
export class InvalidationForwarder {
  readonly stats: ForwardStats = { forwarded: 0, failed: 0, lastFailure: '', legacyNode: '' };
  private queue: CacheInvalidation[] = [];
  private publishing = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly member: LegacyLiteMember, private readonly regions: ReadonlySet<string>, private readonly logger: Logger) {}

  offer(event: CacheInvalidation): void {
    if (this.closed || !this.regions.has(event.region)) return;
    this.queue.push(event);
    if (this.queue.length > MAX_QUEUE) {
      const regions = [...new Set(this.queue.map((e) => e.region))];
      this.logger.warn(`legacy bridge: ${this.queue.length} invalidations waiting for the legacy cluster; replaced by a clear of ${regions.join(', ')}`);
      this.queue = regions.map((region) => ({ region, op: 'clear', origin: event.origin }));
    }
    this.flush();
  }

  /** Stops forwarding; resolves once the batch in flight is settled. */
  close(): Promise<void> {
    this.closed = true;
    this.queue = [];
    return this.publishing ? new Promise((resolve) => this.idle.push(resolve)) : Promise.resolve();
  }

  private flush(): void {
    if (this.publishing || this.closed || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.publishing = true;
    publishToLegacyTopic(this.member, LEGACY_CACHE_TOPIC, batch, PUBLISH_TIMEOUT_MS).then(
      (done) => {
        this.stats.forwarded += batch.length;
        if (this.stats.legacyNode !== done.owner) this.logger.info(`legacy bridge: invalidations go to legacy member ${done.owner} (owner of topic ${LEGACY_CACHE_TOPIC})`);
        this.stats.legacyNode = done.owner;
      },
      (err: Error) => {
        this.stats.failed += batch.length;
        this.stats.lastFailure = err.message;
        this.logger.warn(`legacy bridge: ${batch.length} invalidation(s) of ${[...new Set(batch.map((e) => e.region))].join(', ')} not forwarded: ${err.message}`);
      },
    ).finally(() => {
      this.publishing = false;
      if (this.closed) for (const resolve of this.idle.splice(0)) resolve();
      else this.flush();
    });
  }
}
