import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseHosts } from '../../bundles/redis/hosts.js';
import { decodeSession, encodeSession, isStoredSession } from '../../bundles/sessionstorage-redis/storedSession.js';
import { fuzzOptions } from '../support/fuzz.js';

const hex32 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 32, maxLength: 32 });
const session = fc.record({
  id: hex32, secret: hex32, user: fc.string({ maxLength: 40 }), client: fc.string({ maxLength: 40 }),
  createdAt: fc.integer({ min: 0, max: 2 ** 48 }), lastAccess: fc.integer({ min: 0, max: 2 ** 48 }), origin: fc.string({ maxLength: 20 }),
});
/** Whatever another program may have left under an `ox-session:` key. */
const foreignText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  session.chain((s) => fc.record({ ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fc.oneof(fc.constant(v), fc.jsonValue({ maxDepth: 1 }))])) })).map((v) => JSON.stringify(v)),
);

describe('fuzz: session values read from Redis', () => {
  it('decodeSession never throws: a session with the asked id, or the reason it is not one', () => {
    fc.assert(fc.property(hex32, foreignText, (id, text) => {
      const decoded = decodeSession(id, text);
      if (typeof decoded === 'string') assert.ok(decoded.length > 0);
      else {
        assert.ok(isStoredSession(decoded));
        assert.equal(decoded.id, id);
      }
    }), fuzzOptions());
  });

  it('what encodeSession writes decodes to the same session (extra fields dropped)', () => {
    fc.assert(fc.property(session, fc.jsonValue({ maxDepth: 1 }), (s, extra) => {
      assert.deepEqual(decodeSession(s.id, encodeSession({ ...s, extra } as typeof s)), { ...s });
    }), fuzzOptions());
  });
});

describe('fuzz: com.openexchange.redis.hosts', () => {
  it('parseHosts throws only Errors naming the item; what it accepts has a host and a port in 1..65535', () => {
    const item = fc.oneof(fc.string({ unit: fc.constantFrom(...'ab1.:[]-, 9'.split('')), maxLength: 20 }), fc.string({ maxLength: 20 }));
    fc.assert(fc.property(fc.array(item, { maxLength: 5 }).map((a) => a.join(',')), (text) => {
      try {
        for (const h of parseHosts(text, 6379)) {
          assert.ok(h.host.length > 0);
          assert.ok(Number.isInteger(h.port) && h.port >= 1 && h.port <= 65535);
        }
      } catch (err) {
        assert.ok(err instanceof Error);
        assert.match(err.message, /host\[:port\]|port must be 1\.\.65535|must list at least one/);
      }
    }), fuzzOptions());
  });
});
