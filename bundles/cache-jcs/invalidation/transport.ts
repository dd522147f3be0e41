import type { CacheInvalidation } from '../api.js';

/** How invalidations leave this node and arrive from others (grid topic, Redis channel or lateral TCP). */
export interface InvalidationTransport {
  readonly mode: 'grid-topic' | 'redis-channel' | 'ltcp';
  /** Hands the event over for delivery; false when it could not even be queued. */
  send(event: CacheInvalidation): boolean;
  close(): Promise<void>;
}

/** What a transport delivers into: the cache service. */
export interface InvalidationSink {
  readonly nodeId: string;
  /** Applies another node's event; events with this node's origin are ignored. */
  receive(event: unknown, from: string): void;
  /** Invalidations may have been lost: clears every distributed region; returns their names. */
  clearDistributedForGap(): string[];
}

/** Checks the shape of an event from the wire before it touches a region. */
export function isCacheInvalidation(x: unknown): x is CacheInvalidation {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  const stringList = (v: unknown) => Array.isArray(v) && v.every((k) => typeof k === 'string');
  if (typeof e.region !== 'string' || typeof e.origin !== 'string') return false;
  switch (e.op) {
    case 'remove': return stringList(e.keys);
    case 'removeFromGroup': return typeof e.group === 'string' && stringList(e.keys);
    case 'invalidateGroup': return typeof e.group === 'string';
    case 'clear': return true;
    default: return false;
  }
}
