import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { addressKey, LoginThrottle } from '../../bundles/login/loginThrottle.js';
import { TokenBuckets } from '../../bundles/login/tokenBuckets.js';

describe('token buckets of failed logins', () => {
  it('allow a burst, then one attempt per refill interval, with the wait until the next', () => {
    const buckets = new TokenBuckets({ burst: 3, refillMs: 1000, maxKeys: 10 });
    assert.deepEqual([1, 2, 3].map(() => buckets.take('u', 0)), [0, 0, 0]);
    assert.equal(buckets.take('u', 0), 1000, 'empty: the next token is one interval away');
    assert.equal(buckets.take('u', 400), 600);
    assert.equal(buckets.take('u', 1000), 0);
    assert.equal(buckets.take('u', 1000), 1000);
    assert.equal(buckets.take('other', 1000), 0, 'buckets are per key');
  });

  it('a successful attempt gives its token back, a refilled bucket is forgotten', () => {
    const buckets = new TokenBuckets({ burst: 2, refillMs: 1000, maxKeys: 10 });
    buckets.take('u', 0);
    buckets.refund('u', 0);
    assert.equal(buckets.size, 0);
    buckets.take('u', 0);
    buckets.take('u', 0);
    assert.ok(buckets.take('u', 0) > 0);
  });

  it('memory stays bounded under a spray of random user names and addresses', () => {
    const throttle = new LoginThrottle({
      perUser: { burst: 5, refillMs: 60_000, maxKeys: 1000 },
      perAddress: { burst: 1_000_000, refillMs: 1, maxKeys: 1000 },
    }, () => 0);
    for (let i = 0; i < 50_000; i++) {
      throttle.attempt(randomBytes(12).toString('hex'), `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`);
    }
    assert.ok(throttle.size <= 2000, `${throttle.size} buckets held`);
    assert.ok(throttle.size >= 1000, 'buckets are still kept up to the bound');
  });

  it('throttles the user and the address separately; a refusal by user costs the address nothing', () => {
    let now = 0;
    const throttle = new LoginThrottle({ perUser: { burst: 2, refillMs: 10_000, maxKeys: 100 }, perAddress: { burst: 3, refillMs: 10_000, maxKeys: 100 } }, () => now);
    assert.equal(throttle.attempt('alice', '10.0.0.1'), 0);
    assert.equal(throttle.attempt('alice', '10.0.0.1'), 0);
    assert.ok(throttle.attempt('alice', '10.0.0.1') > 0, 'alice is out of attempts');
    assert.equal(throttle.attempt('bob', '10.0.0.1'), 0, 'the address still had one');
    assert.ok(throttle.attempt('carol', '10.0.0.1') > 0, 'now the address is out');
    assert.equal(throttle.attempt('dave', '10.0.0.2'), 0);
    now = 10_000;
    assert.equal(throttle.attempt('alice', '10.0.0.2'), 0, 'one attempt came back');
  });

  it('keys IPv6 addresses by their /64 and IPv4-mapped addresses as IPv4', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});
