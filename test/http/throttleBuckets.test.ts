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

  it('waiting takes nothing, and a switched-off bucket never refuses', () => {
    const buckets = new TokenBuckets({ burst: 1, refillMs: 1000, maxKeys: 10 });
    assert.equal(buckets.wait('u', 0), 0);
    assert.equal(buckets.wait('u', 0), 0);
    assert.equal(buckets.take('u', 0), 0);
    assert.equal(buckets.wait('u', 0), 1000);
    const off = new TokenBuckets({ burst: 0, refillMs: 1000, maxKeys: 10 });
    for (let i = 0; i < 100; i++) assert.equal(off.take('u', 0), 0);
    assert.equal(off.size, 0);
  });

  it('memory stays bounded under a spray of random user names and addresses', () => {
    const throttle = new LoginThrottle({
      perUser: { burst: 5, refillMs: 60_000, maxKeys: 1000 },
      perAddress: { burst: 5, refillMs: 60_000, maxKeys: 1000 },
    }, () => 0);
    for (let i = 0; i < 50_000; i++) {
      throttle.failed(randomBytes(12).toString('hex'), `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`);
    }
    assert.ok(throttle.size <= 2000, `${throttle.size} buckets held`);
    assert.ok(throttle.size >= 1000, 'buckets are still kept up to the bound');
  });

  it('throttles the user and the address separately; right passwords use nothing up', () => {
    let now = 0;
    const throttle = new LoginThrottle({ perUser: { burst: 2, refillMs: 10_000, maxKeys: 100 }, perAddress: { burst: 3, refillMs: 10_000, maxKeys: 100 } }, () => now);
    for (let i = 0; i < 50; i++) assert.equal(throttle.wait('alice', '10.0.0.1'), 0, 'successful logins never wait');
    assert.equal(throttle.failed('alice', '10.0.0.1'), 0);
    assert.equal(throttle.failed('alice', '10.0.0.1'), 0);
    assert.ok(throttle.wait('alice', '10.0.0.9') > 0, 'alice is out of attempts, from any address');
    assert.equal(throttle.wait('bob', '10.0.0.2'), 0, 'another user from another address is not');
    assert.equal(throttle.failed('bob', '10.0.0.1'), 0, 'the address had a third attempt');
    assert.ok(throttle.wait('carol', '10.0.0.1') > 0, 'now the address is out');
    assert.ok(throttle.failed('bob', '10.0.0.1') > 0, 'a failure past the allowance is answered like a throttled attempt');
    now = 10_000;
    assert.equal(throttle.wait('alice', '10.0.0.2'), 0, 'one attempt came back');
  });

  it('keys IPv6 addresses by their /64 and IPv4-mapped addresses as IPv4', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});
