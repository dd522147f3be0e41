import { isIP } from 'node:net';
import { type BucketOptions, TokenBuckets } from './tokenBuckets.js';

export interface ThrottleOptions {
  perUser: BucketOptions;
  perAddress: BucketOptions;
}

/** The throttle key of an address: IPv4 as is, IPv6 by its /64 (one host usually holds the whole prefix). */
export function addressKey(address: string): string {
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(mapped) !== 6) return mapped;
  const [head = '', tail = ''] = mapped.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = mapped.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Login attempts per user name and per client address. Every attempt takes a token from both
 * buckets before the password is checked (so parallel guesses count too); a successful one gives
 * both back, so only failures use the buckets up. Refused while either is empty.
 */
export class LoginThrottle {
  private readonly users: TokenBuckets;
  private readonly addresses: TokenBuckets;

  constructor(options: ThrottleOptions, private readonly clock: () => number = Date.now) {
    this.users = new TokenBuckets(options.perUser);
    this.addresses = new TokenBuckets(options.perAddress);
  }

  /** Buckets held, both kinds together (bounded by the two `maxKeys`). */
  get size(): number {
    return this.users.size + this.addresses.size;
  }

  /** 0 when the attempt may go on (its tokens are taken), else the milliseconds to wait. */
  attempt(user: string, address: string): number {
    const now = this.clock();
    const key = addressKey(address);
    const byAddress = this.addresses.take(key, now);
    if (byAddress > 0) return byAddress;
    const byUser = this.users.take(user, now);
    if (byUser > 0) this.addresses.refund(key, now);
    return byUser;
  }

  succeeded(user: string, address: string): void {
    const now = this.clock();
    this.users.refund(user, now);
    this.addresses.refund(addressKey(address), now);
  }
}
