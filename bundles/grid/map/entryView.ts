import type { EntryView } from '../api.js';
import { NONE, type Ref, records } from './recordArena.js';

/** An entry view as the owner answers it: value, created, updated, accessed, hits, expires, ttl left (-1: none), idle, owner address. */
export type WireEntryView = [value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number, ttlMs: number, idleMs: number, owner: string];

/** The owner's answer for a live record (null when absent); durations are measured on the owner's clock. */
export function wireEntryView(r: Ref, now: number, owner: string): WireEntryView | null {
  if (r === NONE) return null;
  const expires = records.expires(r);
  const accessed = records.accessed(r);
  const ttlMs = expires === 0 ? -1 : Math.max(0, expires - now);
  return [records.value(r), records.created(r), records.updated(r), accessed, records.hits(r), expires, ttlMs, Math.max(0, now - accessed), owner];
}

export function toEntryView<V>(key: string, w: WireEntryView, decode: (value: Buffer) => V): EntryView<V> {
  const [value, creationTime, lastUpdateTime, lastAccessTime, hits, expirationTime, ttlMs, idleMs, owner] = w;
  return { key, value: decode(value), cost: value.length, creationTime, lastAccessTime, lastUpdateTime, expirationTime, ttlMs, idleMs, hits, owner };
}
