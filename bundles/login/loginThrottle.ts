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
 * Failed logins per user name and per client address. What is throttled is the answer, not the
 * work: while either bucket is empty every attempt is answered 429, whether its password is right
 * or wrong, so guesses past the allowance tell an attacker nothing, even when sent in parallel.
 * A wrong password takes a token from both buckets; a right one takes none, so many parallel
 * logins of one user (devices, scripts) are never slowed.
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

  /** 0 while the user and the address have attempts left, else the milliseconds until both have. */
  wait(user: string, address: string): number {
    const now = this.clock();
    return Math.max(this.users.wait(user, now), this.addresses.wait(addressKey(address), now));
  }

  /** Records a wrong password: 0 when it was within the allowance, else the milliseconds to wait (answer 429). */
  failed(user: string, address: string): number {
    const now = this.clock();
    return Math.max(this.users.take(user, now), this.addresses.take(addressKey(address), now));
  }
}
