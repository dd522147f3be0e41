import type { EntryView } from '../api.js';
import type { MapRecord } from './recordStore.js';

/** An entry view as the owner answers it: value, created, updated, accessed, hits, expires, ttl left (-1: none), idle, owner address. */
export type WireEntryView = [value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number, ttlMs: number, idleMs: number, owner: string];

/** The owner's answer for a live record (null when absent); durations are measured on the owner's clock. */
export function wireEntryView(r: MapRecord | undefined, now: number, owner: string): WireEntryView | null {
  if (!r) return null;
  const ttlMs = r.expires === 0 ? -1 : Math.max(0, r.expires - now);
  return [r.value, r.created, r.updated, r.accessed, r.hits, r.expires, ttlMs, Math.max(0, now - r.accessed), owner];
}

export function toEntryView<V>(key: string, w: WireEntryView, decode: (value: Buffer) => V): EntryView<V> {
  const [value, creationTime, lastUpdateTime, lastAccessTime, hits, expirationTime, ttlMs, idleMs, owner] = w;
  return { key, value: decode(value), cost: value.length, creationTime, lastAccessTime, lastUpdateTime, expirationTime, ttlMs, idleMs, hits, owner };
}
