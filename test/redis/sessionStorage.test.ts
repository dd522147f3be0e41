import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RedisConnection } from '../../bundles/redis/connection.js';
import { parseHosts } from '../../bundles/redis/hosts.js';
import type { StoredSession } from '../../bundles/sessiond/api.js';
import { SessionExpirer } from '../../bundles/sessionstorage-redis/expirer.js';
import { LONG_TERM_KEY, SHORT_TERM_KEY, sessionKey, userKey } from '../../bundles/sessionstorage-redis/keys.js';
import { RedisSessionStorage } from '../../bundles/sessionstorage-redis/redisSessionStorage.js';
import { captureLogger } from '../support/captureLogger.js';
import { RedisProcess, redisCli, removeAllRedis } from '../support/redisServers.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Redis on 127.0.19.1:6390 (and 6391 for the password case, 6392 started late).
const REDIS = '127.0.19.1:6390';
const LOCKED = '127.0.19.1:6391';
const LATE = '127.0.19.1:6392';

const connections: RedisConnection[] = [];
function connect(address: string, extra: { password?: string; commandTimeoutMs?: number } = {}) {
  const { logger, lines } = captureLogger();
  const c = new RedisConnection({
    mode: 'standalone', hosts: parseHosts(address, 6379), masterId: '', username: '', password: extra.password ?? '', ssl: false, database: 0,
    connectTimeoutMs: 1000, commandTimeoutMs: extra.commandTimeoutMs ?? 2000, waitForReplicas: 0, cacheInvalidation: false, name: 'test', logger,
  });
  connections.push(c);
  return { redis: c, lines, logger };
}

const session = (user: string, lastAccess = Date.now()): StoredSession => ({
  id: randomBytes(16).toString('hex'), secret: randomBytes(16).toString('hex'), user, client: 'test', createdAt: lastAccess, lastAccess, origin: 'OX1',
});

let server: RedisProcess;
before(async () => {
  server = await RedisProcess.start(REDIS);
});
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await removeAllRedis();
});

describe('sessions in a real Redis', () => {
  it('put, get, touch and remove keep the key layout: session, user index, last-access set', async () => {
    const { redis, logger } = connect(REDIS);
    await redis.connect();
    const storage = new RedisSessionStorage({ redis, logger, waitForReplicas: 0 });
    storage.useLifetimes({ defaultLifeTimeMs: 60_000, longLifeTimeMs: 120_000 });
    const s = session('alice');
    await storage.put(s);
    assert.deepEqual(await storage.get(s.id), s);
    assert.deepEqual(await storage.userSessions('alice'), [s.id]);
    assert.deepEqual(await storage.sessionsOf('alice'), [s], 'a user\'s sessions through the index');
    assert.deepEqual(await storage.sessionsOf('nobody'), []);
    const ttl = Number(await redisCli(REDIS, 'PTTL', sessionKey(s.id)));
    assert.ok(ttl > 100_000 && ttl <= 120_000, `the key expires after the long lifetime, PTTL ${ttl}`);
    assert.equal(await redisCli(REDIS, 'ZSCORE', SHORT_TERM_KEY, s.id), String(s.lastAccess));
    assert.equal(await storage.touch({ ...s, lastAccess: s.lastAccess + 5 }), true);
    assert.equal((await storage.get(s.id))?.lastAccess, s.lastAccess + 5);
    assert.equal(await storage.remove(s.id), true);
    assert.equal(await storage.get(s.id), undefined);
    assert.equal(await storage.remove(s.id), false);
    assert.equal(await storage.touch(s), false, 'a touch never re-creates a removed session');
    assert.equal(await storage.get(s.id), undefined);
    assert.deepEqual(await storage.userSessions('alice'), []);
    storage.close();
  });

  it('a removal on one node reaches the other over ox-channel:sessionEvents, never the sender itself', async () => {
    const one = connect(REDIS);
    const two = connect(REDIS);
    await Promise.all([one.redis.connect(), two.redis.connect()]);
    const a = new RedisSessionStorage({ redis: one.redis, logger: one.logger, waitForReplicas: 0 });
    const b = new RedisSessionStorage({ redis: two.redis, logger: two.logger, waitForReplicas: 0 });
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    a.onRemoved((id) => seenByA.push(id));
    b.onRemoved((id) => seenByB.push(id));
    await waitFor('both subscribed', async () => Number((await redisCli(REDIS, 'PUBSUB', 'NUMSUB', 'ox-channel:sessionEvents')).split('\n')[1]) >= 2);
    const s = session('bob');
    await a.put(s);
    await a.remove(s.id);
    await waitFor('the removal on the other node', () => seenByB.includes(s.id));
    assert.deepEqual(seenByA, [], 'the sender ignores its own message');
  });

  it('a corrupt or foreign value under an ox-session: key is ignored with one warning, never an error', async () => {
    const { redis, logger, lines } = connect(REDIS);
    await redis.connect();
    const storage = new RedisSessionStorage({ redis, logger, waitForReplicas: 0 });
    const ids = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    await redisCli(REDIS, 'SET', sessionKey(ids[0]!), '{not json');
    await redisCli(REDIS, 'SET', sessionKey(ids[1]!), JSON.stringify({ id: ids[1], user: 5 }));
    await redisCli(REDIS, 'HSET', sessionKey(ids[2]!), 'user', 'mallory');
    await redisCli(REDIS, 'SET', sessionKey(ids[3]!), JSON.stringify({ ...session('eve'), id: ids[0] }));
    for (const id of ids) {
      assert.equal(await storage.get(id), undefined);
      assert.equal(await storage.get(id), undefined);
    }
    const warnings = lines.filter((l) => l.startsWith('warn:') && l.includes('ignored'));
    assert.equal(warnings.length, 4, warnings.join('\n'));
    assert.match(warnings.join('\n'), /not JSON[\s\S]*not a session[\s\S]*not a string value[\s\S]*instead/);
    assert.equal(await storage.remove(ids[2]!), true, 'a foreign value can still be removed');
  });

  it('the expirer moves idle sessions to long-term, removes expired ones with their index, and runs on one node at a time', async () => {
    const one = connect(REDIS);
    const two = connect(REDIS);
    await Promise.all([one.redis.connect(), two.redis.connect()]);
    const storage = new RedisSessionStorage({ redis: one.redis, logger: one.logger, waitForReplicas: 0 });
    const lifetimes = { defaultLifeTimeMs: 10_000, longLifeTimeMs: 100_000 };
    storage.useLifetimes(lifetimes);
    storage.close();
    const now = Date.now();
    const fresh = session('carol', now);
    const idle = session('carol', now - 20_000);
    const expired = session('carol', now - 50_000);
    for (const s of [fresh, idle, expired]) await storage.put(s);
    const removed: string[][] = [];
    const first = new SessionExpirer({ redis: one.redis, logger: one.logger, lifetimes, removed: (ids) => removed.push(ids) });
    const second = new SessionExpirer({ redis: two.redis, logger: two.logger, lifetimes, removed: (ids) => removed.push(ids) });
    await redisCli(REDIS, 'DEL', 'ox-session-expirer-lock');
    // Expired as seen from 60 s later: the lock is taken by the first round, the second waits for its turn.
    assert.equal(await first.round(now + 60_000), true);
    assert.equal(await second.round(now + 60_000), false, 'another node holds the expirer lock');
    assert.deepEqual(removed, [[expired.id]]);
    assert.equal(await storage.get(expired.id), undefined);
    assert.deepEqual((await storage.userSessions('carol')).sort(), [fresh.id, idle.id].sort());
    assert.deepEqual((await storage.sessionsOf('carol')).map((x) => x.id).sort(), [fresh.id, idle.id].sort(), 'the expired session is no longer listed');
    assert.equal(await redisCli(REDIS, 'ZSCORE', LONG_TERM_KEY, idle.id), String(idle.lastAccess));
    assert.equal(await redisCli(REDIS, 'ZSCORE', LONG_TERM_KEY, fresh.id), String(fresh.lastAccess), 'idle for 60 s as well by then');
    // A node that used the idle session since keeps it: the expirer reads the stored last access first.
    await storage.touch({ ...idle, lastAccess: now + 70_000 });
    assert.equal(await redisCli(REDIS, 'ZSCORE', LONG_TERM_KEY, idle.id), '', 'a touch brings it back to short-term');
    await redisCli(REDIS, 'DEL', 'ox-session-expirer-lock');
    assert.equal(await second.round(now + 130_000), true);
    assert.deepEqual(removed[1], [fresh.id]);
    assert.equal((await storage.get(idle.id))?.lastAccess, now + 70_000);
    assert.deepEqual(await storage.userSessions('carol'), [idle.id]);
  });

  it('wrong credentials are a clear error at connect; a server that is down is not, and commands recover when it comes up', async () => {
    const locked = await RedisProcess.start(LOCKED, ['requirepass right-pw'], { password: 'right-pw' });
    const wrong = connect(LOCKED, { password: 'wrong-pw' });
    await assert.rejects(wrong.redis.connect(), /refused the credentials of com\.openexchange\.redis\.username\/password: WRONGPASS/);
    await locked.remove();

    const late = connect(LATE, { commandTimeoutMs: 500 });
    await late.redis.connect();
    assert.match(late.lines.join('\n'), /Redis standalone 127\.0\.19\.1:6392 is not reachable/);
    assert.equal(late.redis.status().connected, false);
    const storage = new RedisSessionStorage({ redis: late.redis, logger: late.logger, waitForReplicas: 0 });
    await assert.rejects(storage.put(session('dave')), /Redis standalone 127\.0\.19\.1:6392: index of session [0-9a-f]{8}… failed after \d+ attempt\(s\)/);
    await RedisProcess.start(LATE);
    const s = session('dave');
    await waitFor('a put once Redis is up', async () => {
      await storage.put(s);
      return true;
    }, 15_000, 100);
    assert.deepEqual(await storage.get(s.id), s);
    assert.equal(late.redis.status().connected, true);
  });
});
