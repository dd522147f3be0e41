import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SessiondError, type SessionStorage, type StoredSession } from '../../bundles/sessiond/api.js';
import { Sessiond, type SessiondLimits } from '../../bundles/sessiond/sessiond.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

/** An in-memory storage shared by several Sessiond instances (= nodes), like the grid map. */
class FakeStorage implements SessionStorage {
  readonly description = 'fake storage';
  readonly entries = new Map<string, StoredSession>();
  private readonly listeners = new Set<(id: string) => void>();
  failing = false;
  /** Off: removals are not announced (a member that missed the event). */
  announce = true;
  writes = 0;

  private check(): void {
    if (this.failing) throw new Error('grid unavailable');
  }

  async put(s: StoredSession): Promise<void> {
    this.check();
    this.writes++;
    this.entries.set(s.id, { ...s });
  }

  async touch(s: StoredSession): Promise<boolean> {
    this.check();
    if (!this.entries.has(s.id)) return false;
    this.writes++;
    this.entries.set(s.id, { ...s });
    return true;
  }

  async get(id: string): Promise<StoredSession | undefined> {
    this.check();
    const s = this.entries.get(id);
    return s && { ...s };
  }

  async remove(id: string): Promise<boolean> {
    this.check();
    const had = this.entries.delete(id);
    if (had && this.announce) for (const l of this.listeners) l(id);
    return had;
  }

  onRemoved(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const limits: SessiondLimits = { defaultLifeTimeMs: 60_000, longLifeTimeMs: 600_000, maxSession: 100, maxSessionPerUser: 10, tokenLifeTimeMs: 30_000 };

describe('sessiond', () => {
  let clock: number;
  const now = () => clock;
  let storage: FakeStorage;
  const node = (route: string, overrides: Partial<SessiondLimits> = {}, withStorage = true) =>
    new Sessiond({ route, limits: { ...limits, ...overrides }, storage: withStorage ? storage : undefined, logger: captureLogger().logger, now });

  beforeEach(() => {
    clock = 1_000_000;
    storage = new FakeStorage();
  });

  it('creates sessions with 128-bit random ids and secrets, stored in the storage', async () => {
    const ox1 = node('OX1');
    const a = await ox1.create('alice', 'web');
    const b = await ox1.create('alice', 'web');
    assert.match(a.id, /^[0-9a-f]{32}$/);
    assert.match(a.secret, /^[0-9a-f]{32}$/);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.id, a.secret);
    assert.deepEqual({ user: a.user, client: a.client, origin: a.origin, createdAt: a.createdAt, lastAccess: a.lastAccess }, { user: 'alice', client: 'web', origin: 'OX1', createdAt: clock, lastAccess: clock });
    assert.equal(storage.entries.get(a.id)?.secret, a.secret);
    assert.equal((await ox1.get(a.id))?.user, 'alice');
    assert.equal(await ox1.get('0'.repeat(32)), undefined);
  });

  it('enforces maxSession and maxSessionPerUser with their own codes; 0 means unlimited', async () => {
    const ox1 = node('OX1', { maxSession: 3, maxSessionPerUser: 2 });
    await ox1.create('alice', 'web');
    await ox1.create('alice', 'web');
    await assert.rejects(ox1.create('alice', 'web'), (e: SessiondError) => e instanceof SessiondError && e.code === 'SES-0005' && /maxSessionPerUser/.test(e.message));
    await ox1.create('bob', 'web');
    await assert.rejects(ox1.create('carol', 'web'), (e: SessiondError) => e.code === 'SES-0004' && /maxSession\)/.test(e.message));
    const unlimited = node('OX2', { maxSession: 0, maxSessionPerUser: 0 });
    for (let i = 0; i < 25; i++) await unlimited.create('alice', 'web');
    assert.equal(unlimited.counts().shortTerm, 25);
  });

  it('moves idle sessions to the long-term container, back on access, and expires them everywhere', async () => {
    const ox1 = node('OX1');
    const s = await ox1.create('alice', 'web');
    clock += limits.defaultLifeTimeMs + 1;
    await ox1.sweep();
    assert.deepEqual(ox1.counts(), { shortTerm: 0, longTerm: 1 });
    assert.ok(await ox1.get(s.id));
    assert.deepEqual(ox1.counts(), { shortTerm: 1, longTerm: 0 });
    const removed: string[] = [];
    ox1.events.on('removed', (x, reason) => removed.push(`${x.id}:${reason}`));
    clock += limits.longLifeTimeMs + 1;
    await ox1.sweep();
    assert.deepEqual(ox1.counts(), { shortTerm: 0, longTerm: 0 });
    assert.equal(storage.entries.has(s.id), false);
    assert.deepEqual(removed, [`${s.id}:expired`]);
    assert.equal(await ox1.get(s.id), undefined);
  });

  it('a node adopts a session it does not hold from the storage, with the same secret', async () => {
    const ox1 = node('OX1');
    const ox2 = node('OX2');
    const s = await ox1.create('alice', 'web');
    const added: string[] = [];
    ox2.events.on('added', (_x, how) => added.push(how));
    clock += 1000;
    const adopted = await ox2.get(s.id);
    assert.equal(adopted?.secret, s.secret);
    assert.equal(adopted?.origin, 'OX1');
    assert.equal(adopted?.lastAccess, clock);
    assert.deepEqual(added, ['adopted']);
    assert.deepEqual(ox2.counts(), { shortTerm: 1, longTerm: 0 });
  });

  it('a session that `accept` refuses (wrong secret) is neither touched nor adopted', async () => {
    const ox1 = node('OX1');
    const ox2 = node('OX2');
    const s = await ox1.create('alice', 'web');
    const created = s.lastAccess;
    clock += 1000;
    assert.equal(await ox1.get(s.id, (x) => x.secret === 'wrong'), undefined);
    assert.equal(s.lastAccess, created, 'not touched here');
    assert.equal(await ox2.get(s.id, (x) => x.secret === 'wrong'), undefined);
    assert.deepEqual(ox2.counts(), { shortTerm: 0, longTerm: 0 }, 'not adopted there');
    assert.equal((await ox2.get(s.id, (x) => x.secret === s.secret))?.id, s.id);
    assert.deepEqual(ox2.counts(), { shortTerm: 1, longTerm: 0 });
  });

  it('concurrent requests for the same unknown session adopt it once', async () => {
    const s = await node('OX1').create('alice', 'web');
    const ox2 = node('OX2');
    let adoptions = 0;
    ox2.events.on('added', () => adoptions++);
    const all = await Promise.all(Array.from({ length: 10 }, () => ox2.get(s.id)));
    assert.equal(adoptions, 1);
    assert.ok(all.every((x) => x === all[0]));
  });

  it('does not adopt a stored session that is past its long lifetime, and removes it', async () => {
    const s = await node('OX1').create('alice', 'web');
    clock += limits.longLifeTimeMs + 1;
    assert.equal(await node('OX2').get(s.id), undefined);
    await waitFor('the expired session removed from the storage', () => !storage.entries.has(s.id), 2000);
  });

  it('logout on one node removes the session from the storage and from every node holding it', async () => {
    const ox1 = node('OX1');
    const ox2 = node('OX2');
    const s = await ox1.create('alice', 'web');
    await ox2.get(s.id);
    const reasons: string[] = [];
    ox2.events.on('removed', (_x, reason) => reasons.push(reason));
    assert.equal(await ox1.logout(s.id), true);
    assert.equal(storage.entries.has(s.id), false);
    assert.deepEqual(reasons, ['remote']);
    assert.equal(await ox2.get(s.id), undefined);
    assert.equal(await ox1.get(s.id), undefined);
    assert.equal(await ox1.logout(s.id), false);
  });

  it('writes the last access to the storage at most once per touch interval', async () => {
    const ox1 = node('OX1');
    const s = await ox1.create('alice', 'web');
    const writesAfterCreate = storage.writes;
    for (let i = 0; i < 20; i++) {
      clock += 100;
      await ox1.get(s.id);
    }
    assert.equal(storage.writes, writesAfterCreate, 'no write for touches within the interval');
    clock += 15_000;
    await ox1.get(s.id);
    await waitFor('the touch written', () => storage.writes === writesAfterCreate + 1, 2000);
    assert.equal(storage.entries.get(s.id)?.lastAccess, clock);
  });

  it('a node that missed a removal drops its copy at its next check, and its touch never brings the session back', async () => {
    const ox1 = node('OX1');
    const ox2 = node('OX2');
    const s = await ox1.create('alice', 'web');
    await ox2.get(s.id);
    storage.announce = false;
    assert.equal(await ox1.logout(s.id), true);
    // Within the check interval OX2 still trusts its copy; then an access checks the storage.
    assert.ok(await ox2.get(s.id));
    clock += 15_000;
    assert.ok(await ox2.get(s.id), 'the access that triggers the check is still answered');
    await waitFor('OX2 drops its copy', () => ox2.counts().shortTerm === 0, 2000);
    assert.equal(storage.entries.has(s.id), false, 'not re-created by the touch');
    assert.equal(await ox2.get(s.id), undefined);
    assert.deepEqual(ox2.counts(), { shortTerm: 0, longTerm: 0 });
  });

  it('a stale copy that expires here does not remove a session another node kept alive', async () => {
    const ox1 = node('OX1');
    const ox2 = node('OX2');
    const s = await ox1.create('alice', 'web');
    await ox2.get(s.id);
    // OX2 keeps using it; OX1's copy goes stale.
    for (let t = 0; t < limits.longLifeTimeMs + 60_000; t += 20_000) {
      clock += 20_000;
      await ox2.get(s.id);
    }
    await ox1.sweep();
    assert.deepEqual(ox1.counts(), { shortTerm: 0, longTerm: 0 });
    assert.ok(storage.entries.has(s.id));
    assert.equal((await ox2.get(s.id))?.id, s.id);
    assert.equal((await ox1.get(s.id))?.id, s.id, 'OX1 adopts it again from the storage');
  });

  it('token login: a server token redeems its session once, only with the right client token, before it expires', async () => {
    const ox1 = node('OX1');
    const s = await ox1.create('alice', 'web');
    const t1 = ox1.createTokens(s, 'client-1');
    assert.match(t1, /^[0-9a-f]{32}$/);
    assert.equal((await ox1.redeemTokens('client-1', t1))?.id, s.id);
    assert.equal(await ox1.redeemTokens('client-1', t1), undefined, 'used once');
    const t2 = ox1.createTokens(s, 'client-2');
    assert.equal(await ox1.redeemTokens('client-X', t2), undefined, 'wrong client token');
    assert.equal(await ox1.redeemTokens('client-2', t2), undefined, 'spent by the failed attempt');
    const t3 = ox1.createTokens(s, 'client-3');
    clock += limits.tokenLifeTimeMs + 1;
    assert.equal(await ox1.redeemTokens('client-3', t3), undefined, 'expired');
    const t4 = ox1.createTokens(s, 'client-4');
    assert.equal(await node('OX2').redeemTokens('client-4', t4), undefined, 'tokens live on the issuing node only');
  });

  it('keeps working without a storage, and reports a failing storage as storageUnavailable', async () => {
    const local = node('OX1', {}, false);
    const s = await local.create('alice', 'web');
    assert.equal((await local.get(s.id))?.id, s.id);
    assert.equal(await local.logout(s.id), true);

    const { logger, lines } = captureLogger();
    const ox2 = new Sessiond({ route: 'OX2', limits, storage, logger, now });
    storage.failing = true;
    const unstored = await ox2.create('bob', 'web');
    assert.ok(lines.some((l) => /^warn: .*could not be written to fake storage.*will not survive this node/.test(l)), lines.join('\n'));
    assert.equal((await ox2.get(unstored.id))?.id, unstored.id, 'still served locally');
    await assert.rejects(ox2.get('f'.repeat(32)), (e: SessiondError) => e.reason === 'storageUnavailable' && e.code === 'SES-0300');
    await assert.rejects(ox2.logout(unstored.id), (e: SessiondError) => e.reason === 'storageUnavailable');
  });
});
