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
 * new keys evicts the least recently used bucket first.
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

  /** 0 while a token is left, else the milliseconds until there is one. */
  wait(key: string, now: number): number {
    if (this.o.burst === 0) return 0;
    const tokens = this.level(key, now);
    return tokens < 1 ? Math.ceil((1 - tokens) * this.o.refillMs) : 0;
  }

  /** Takes one token; returns 0 when it was there, else the milliseconds until one is (nothing taken). */
  take(key: string, now: number): number {
    const wait = this.wait(key, now);
    if (wait === 0 && this.o.burst > 0) this.buckets.set(key, { tokens: this.level(key, now) - 1, at: now });
    return wait;
  }
}
