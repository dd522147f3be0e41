import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheInvalidation, RegionSettings } from '../../bundles/cache-jcs/api.js';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { JcsCacheService } from '../../bundles/cache-jcs/region/cacheService.js';
import { Region, type LocalInvalidation } from '../../bundles/cache-jcs/region/region.js';
import type { InvalidationTransport } from '../../bundles/cache-jcs/invalidation/transport.js';
import { captureLogger } from '../support/captureLogger.js';

function settings(over: Partial<RegionSettings> = {}): RegionSettings {
  return {
    ...emptyCcfModel().defaults, name: 'R', isEternal: false, maxObjects: 1000,
    maxLifeSeconds: -1, idleTimeSeconds: -1, useMemoryShrinker: false, distributed: false, ...over,
  };
}

function region(over: Partial<RegionSettings> = {}, issueRemoveOnPut = false) {
  const clock = { now: 1_000_000 };
  const sent: LocalInvalidation[] = [];
  const r = new Region<string>(settings(over), { now: () => clock.now, issueRemoveOnPut, invalidate: (e) => sent.push(e) > 0 });
  return { r, clock, sent };
}

describe('cache region', () => {
  it('counts hits and misses, removes and clears', () => {
    const { r } = region();
    assert.equal(r.get('a'), undefined);
    r.put('a', 'A');
    r.put('b', 'B');
    assert.equal(r.get('a'), 'A');
    r.remove('a');
    assert.equal(r.get('a'), undefined);
    r.clear();
    assert.equal(r.get('b'), undefined);
    assert.deepEqual({ ...r.stats(), region: undefined }, {
      region: undefined, size: 0, hits: 1, misses: 3, evictions: 0, expirations: 0, invalidationsSent: 0, invalidationsReceived: 0, gapClears: 0,
    });
  });

  it('drops an entry after MaxLifeSeconds even while it is read all the time', () => {
    const { r, clock } = region({ maxLifeSeconds: 10, idleTimeSeconds: 4 });
    r.put('k', 'v');
    for (let t = 0; t < 10; t += 2) {
      clock.now += 2000;
      assert.equal(r.get('k'), 'v', `still alive after ${t + 2} s`);
    }
    clock.now += 1;
    assert.equal(r.get('k'), undefined);
    assert.equal(r.stats().expirations, 1);
  });

  it('drops an entry idle for longer than IdleTime, well before MaxLifeSeconds', () => {
    const { r, clock } = region({ maxLifeSeconds: 100, idleTimeSeconds: 5 });
    r.put('k', 'v');
    clock.now += 5000;
    assert.equal(r.get('k'), 'v');
    clock.now += 5001;
    assert.equal(r.get('k'), undefined);
  });

  it('keeps eternal entries regardless of MaxLifeSeconds and IdleTime', () => {
    const { r, clock } = region({ isEternal: true, maxLifeSeconds: 1, idleTimeSeconds: 1 });
    r.put('k', 'v');
    clock.now += 3_600_000;
    assert.equal(r.get('k'), 'v');
  });

  it('applies MaxMemoryIdleTimeSeconds only with the memory shrinker, at most MaxSpoolPerRun per run', () => {
    const off = region({ useMemoryShrinker: false, maxMemoryIdleTimeSeconds: 1 });
    off.r.put('k', 'v');
    off.clock.now += 10_000;
    assert.equal(off.r.get('k'), 'v');

    const { r, clock } = region({ useMemoryShrinker: true, maxMemoryIdleTimeSeconds: 10, maxSpoolPerRun: 2, maxLifeSeconds: 20 });
    for (const k of ['a', 'b', 'c', 'd']) r.put(k, k);
    r.put('e', 'e');
    clock.now += 10_001;
    r.put('fresh', 'f');
    assert.equal(r.shrink(), 2);
    assert.equal(r.stats().size, 4);
    assert.equal(r.shrink(), 2);
    assert.equal(r.shrink(), 1);
    assert.equal(r.shrink(), 0);
    assert.equal(r.get('fresh'), 'f');
    assert.equal(r.stats().size, 1);
  });

  it('removes MaxLifeSeconds-expired entries in the shrinker without a budget', () => {
    const { r, clock } = region({ useMemoryShrinker: true, maxMemoryIdleTimeSeconds: -1, maxSpoolPerRun: 1, maxLifeSeconds: 5 });
    for (let i = 0; i < 5; i++) r.put(`k${i}`, 'v');
    clock.now += 5001;
    r.put('fresh', 'v');
    assert.equal(r.shrink(), 5);
    assert.deepEqual(r.stats().size, 1);
    assert.equal(r.stats().expirations, 5);
  });

  it('evicts the least recently used entry beyond MaxObjects', () => {
    const { r } = region({ maxObjects: 2 });
    r.put('a', 'A');
    r.put('b', 'B');
    r.get('a');
    r.put('c', 'C');
    assert.equal(r.get('b'), undefined);
    assert.equal(r.get('a'), 'A');
    assert.equal(r.stats().evictions, 1);
    assert.equal(r.stats().size, 2);
  });

  it('holds nothing with MaxObjects=0', () => {
    const { r } = region({ maxObjects: 0 });
    r.put('a', 'A');
    assert.equal(r.get('a'), undefined);
  });

  it('keeps element groups apart from plain keys and removes a whole group', () => {
    const { r } = region({ maxObjects: 3 });
    r.putInGroup('g', 'a', 'GA');
    r.putInGroup('g', 'b', 'GB');
    r.put('a', 'plain');
    assert.equal(r.getFromGroup('g', 'a'), 'GA');
    assert.equal(r.get('a'), 'plain');
    assert.deepEqual(r.groupKeys('g').sort(), ['a', 'b']);
    r.putInGroup('h', 'x', 'HX');
    assert.deepEqual(r.groupKeys('g'), ['a'], 'the evicted (least recently used) group entry b left the group index');
    r.invalidateGroup('g');
    assert.equal(r.getFromGroup('g', 'a'), undefined);
    assert.equal(r.get('a'), 'plain');
    assert.deepEqual(r.groupKeys('g'), []);
    assert.equal(r.getFromGroup('h', 'x'), 'HX');
    assert.throws(() => r.get('\0g\0b'), /key must be a string not starting with \\0/);
  });

  it('sends removes, clears, group removals and updates of a distributed region, but not puts of new keys', () => {
    const { r, clock, sent } = region({ distributed: true, maxLifeSeconds: 10 });
    r.put('new', 'v');
    assert.deepEqual(sent, []);
    r.put('new', 'v2');
    r.remove('absent-here');
    r.putInGroup('g', 'k', 'v');
    r.putInGroup('g', 'k', 'v2');
    r.invalidateGroup('g');
    r.clear();
    assert.deepEqual(sent, [
      { region: 'R', op: 'remove', keys: ['new'] },
      { region: 'R', op: 'remove', keys: ['absent-here'] },
      { region: 'R', op: 'removeFromGroup', group: 'g', keys: ['k'] },
      { region: 'R', op: 'invalidateGroup', group: 'g' },
      { region: 'R', op: 'clear' },
    ]);
    r.put('old', 'v');
    clock.now += 10_001;
    r.put('old', 'v2');
    assert.equal(sent.length, 5, 'a put over an expired entry is not an update');
    assert.equal(r.stats().invalidationsSent, 5);
  });

  it('sends every put with IssueRemoveOnPut, and nothing for a local region', () => {
    const withIssue = region({ distributed: true }, true);
    withIssue.r.put('k', 'v');
    assert.deepEqual(withIssue.sent, [{ region: 'R', op: 'remove', keys: ['k'] }]);
    const local = region({ distributed: false });
    local.r.put('k', 'v');
    local.r.put('k', 'v2');
    local.r.remove('k');
    assert.deepEqual(local.sent, []);
  });

  it('applies remote invalidations without sending them on', () => {
    const { r, sent } = region({ distributed: true });
    r.put('a', 'A');
    r.put('b', 'B');
    r.putInGroup('g', 'x', 'X');
    r.applyRemote({ region: 'R', op: 'remove', keys: ['a'], origin: 'other' });
    r.applyRemote({ region: 'R', op: 'invalidateGroup', group: 'g', origin: 'other' });
    assert.equal(r.get('a'), undefined);
    assert.equal(r.get('b'), 'B');
    assert.equal(r.getFromGroup('g', 'x'), undefined);
    assert.deepEqual(sent, []);
    assert.equal(r.stats().invalidationsReceived, 2);
  });
});

describe('cache service', () => {
  function service() {
    const model = emptyCcfModel();
    model.regions.set('Dist', settings({ name: 'Dist', distributed: true, auxiliaries: ['LTCP'] }));
    model.regions.set('Local', settings({ name: 'Local' }));
    const { logger, lines } = captureLogger();
    const svc = new JcsCacheService({ model, logger });
    const sent: CacheInvalidation[] = [];
    const transport: InvalidationTransport = { mode: 'ltcp', send: (e) => sent.push(e) > 0, close: async () => undefined };
    svc.attach(transport);
    return { svc, sent, lines };
  }

  it('stamps events with its node id, ignores its own on return and drops malformed ones', () => {
    const { svc, sent, lines } = service();
    const dist = svc.region<string>('Dist');
    dist.put('k', 'v');
    dist.remove('k');
    assert.deepEqual(sent, [{ region: 'Dist', op: 'remove', keys: ['k'], origin: svc.nodeId }]);
    dist.put('k', 'v');
    svc.receive(sent[0], 'loopback');
    assert.equal(dist.get('k'), 'v', 'own event ignored');
    svc.receive({ region: 'Dist', op: 'remove', keys: [42], origin: 'x' }, 'peer P');
    assert.equal(dist.get('k'), 'v');
    assert.match(lines.at(-1)!, /^warn: cache invalidation from peer P dropped: malformed event/);
    svc.receive({ region: 'Dist', op: 'remove', keys: ['k'], origin: 'x' }, 'peer P');
    assert.equal(dist.get('k'), undefined);
  });

  it('creates unknown regions with jcs.default settings and clears only distributed regions on a gap', () => {
    const { svc } = service();
    const adhoc = svc.region<string>('AdHoc');
    assert.equal(adhoc.settings.maxObjects, 100);
    assert.ok(svc.regionNames().includes('AdHoc'));
    svc.region<string>('Dist').put('a', 'A');
    svc.region<string>('Local').put('a', 'A');
    assert.deepEqual(svc.clearDistributedForGap(), ['Dist']);
    assert.equal(svc.region('Dist').get('a'), undefined);
    assert.equal(svc.region('Local').get('a'), 'A');
    assert.equal(svc.region('Dist').stats().gapClears, 1);
  });

  it('holds nothing when caching is disabled, in configured and new regions alike', () => {
    const model = emptyCcfModel();
    model.regions.set('User', settings({ name: 'User' }));
    const svc = new JcsCacheService({ model, logger: captureLogger().logger, enabled: false });
    for (const name of ['User', 'New']) {
      svc.region(name).put('k', 'v');
      assert.equal(svc.region(name).get('k'), undefined, name);
    }
  });

  it('tells local invalidation listeners about every outgoing event', () => {
    const { svc } = service();
    const seen: string[] = [];
    const off = svc.onLocalInvalidation((e) => seen.push(`${e.region}:${e.op}`));
    svc.region('Dist').clear();
    off();
    svc.region('Dist').clear();
    assert.deepEqual(seen, ['Dist:clear']);
  });
});
