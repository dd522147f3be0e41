import { LRUCache } from 'lru-cache';

export interface BucketOptions {
  /** Attempts allowed in a row; 0 switches the buckets off. */
  burst: number;
  /** One attempt comes back per interval. */
  refillMs: number;
  /** Keys remembered at most; the least recently used is forgotten first. */
  maxKeys: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (a user name, an address). Memory is bounded by `maxKeys`: a spray of
 * new keys evicts the least recently used bucket, and a bucket that has refilled is dropped.
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(private readonly o: BucketOptions) {
    // maxSize with unit sizes instead of max: lru-cache preallocates `max` slots.
    this.buckets = new LRUCache<string, Bucket>({ maxSize: Math.max(1, o.maxKeys), sizeCalculation: () => 1 });
  }

  get size(): number {
    return this.buckets.size;
  }

  private level(key: string, now: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.o.burst;
    return Math.min(this.o.burst, b.tokens + (now - b.at) / this.o.refillMs);
  }

  /** Takes one token; returns 0 when it was there, else the milliseconds until one is. */
  take(key: string, now: number): number {
    if (this.o.burst === 0) return 0;
    const tokens = this.level(key, now);
    if (tokens < 1) return Math.ceil((1 - tokens) * this.o.refillMs);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }

  /** Gives back a token taken for an attempt that turned out fine. */
  refund(key: string, now: number): void {
    if (this.o.burst === 0) return;
    const tokens = this.level(key, now) + 1;
    if (tokens >= this.o.burst) this.buckets.delete(key);
    else this.buckets.set(key, { tokens, at: now });
  }
}
