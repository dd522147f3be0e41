import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheEventMessage, RegionSettings } from '../../bundles/cache-jcs/api.js';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { gridTopicTransport } from '../../bundles/cache-jcs/invalidation/gridTopic.js';
import { JcsCacheService } from '../../bundles/cache-jcs/region/cacheService.js';
import type { GridService, ReliableTopic, TopicListener } from '../../bundles/grid/api.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

/** One in-memory topic shared by several fake grid members. */
function fakeTopic() {
  const listeners = new Set<TopicListener<CacheEventMessage>>();
  let sequence = 0;
  const names: string[] = [];
  const published: CacheEventMessage[] = [];
  /** While set, publishes wait for it. */
  const gate: { wait?: Promise<void> } = {};
  const member = (id: string, failPublish = false): GridService => {
    const topic: ReliableTopic<CacheEventMessage> = {
      name: 'cacheEvents',
      async publish(payload) {
        published.push(payload);
        await gate.wait;
        if (failPublish) throw new Error('no partition owner');
        const m = { payload, publisher: id, sequence: sequence++, publishTime: Date.now() };
        for (const l of listeners) l.message(m);
      },
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      localStats: () => ({ published: 0, received: 0, gaps: 0, subscriberCount: listeners.size, subscriberLag: 0 }),
    };
    return { clusterName: 'test-2.0', localMember: { id }, getTopic: (name: string) => (names.push(name), topic) } as unknown as GridService;
  };
  return { member, listeners, names, published, gate };
}

function node(grid: GridService) {
  const model = emptyCcfModel();
  const base: RegionSettings = { ...model.defaults, maxObjects: 100 };
  model.regions.set('User', { ...base, name: 'User', auxiliaries: ['LTCP'], distributed: true });
  model.regions.set('Local', { ...base, name: 'Local' });
  const { logger, lines } = captureLogger();
  const service = new JcsCacheService({ model, logger });
  service.attach(gridTopicTransport(grid, service, logger));
  return { service, lines };
}

describe('grid topic invalidation', () => {
  it('publishes distributed changes on cacheEvents and applies the other members\' events', async () => {
    const topic = fakeTopic();
    const a = node(topic.member('A'));
    const b = node(topic.member('B'));
    assert.deepEqual(topic.names, ['cacheEvents', 'cacheEvents']);
    assert.equal(a.service.invalidationMode, 'grid-topic');
    b.service.region('User').put('k', 'v');
    b.service.region('Local').put('k', 'v');
    a.service.region('User').remove('k');
    a.service.region('Local').remove('k');
    await waitFor('event applied on B', () => b.service.region('User').get('k') === undefined);
    assert.equal(b.service.region('Local').get('k'), 'v');
    assert.equal(a.service.region('User').stats().invalidationsReceived, 0, 'A ignores its own event');
    assert.equal(b.service.region('User').stats().invalidationsReceived, 1);
  });

  it('clears the distributed regions and counts it when the topic reports a gap', async () => {
    const topic = fakeTopic();
    const a = node(topic.member('A'));
    a.service.region('User').put('k', 'v');
    a.service.region('Local').put('k', 'v');
    for (const l of topic.listeners) l.gap?.({ topic: 'cacheEvents', from: 7, to: 9 });
    assert.equal(a.service.region('User').get('k'), undefined);
    assert.equal(a.service.region('Local').get('k'), 'v');
    assert.equal(a.service.region('User').stats().gapClears, 1);
    assert.ok(a.lines.some((l) => /^warn: .*missed messages 7\.\.9; cleared 1 distributed regions locally \(User\)/.test(l)), a.lines.join('\n'));
  });

  it('sends events raised while a publish is in flight together, in order, and compacts a long backlog', async () => {
    const topic = fakeTopic();
    const a = node(topic.member('A'));
    const b = node(topic.member('B'));
    let open!: () => void;
    topic.gate.wait = new Promise((resolve) => (open = resolve));
    const events = () => topic.published.filter((m) => m.length > 0).map((m) => m.map((e) => e.keys?.[0]));
    for (const key of ['k1', 'k2', 'k3']) b.service.region('User').put(key, 'v');
    for (const key of ['k1', 'k2', 'k3']) a.service.region('User').remove(key);
    assert.deepEqual(events(), [['k1']], 'one publish in flight');
    open();
    await waitFor('the rest went as one message', () => events().length === 2);
    assert.deepEqual(events()[1], ['k2', 'k3']);
    await waitFor('all applied on B', () => b.service.region('User').stats().size === 0);

    topic.gate.wait = new Promise(() => undefined);
    for (let i = 0; i <= 20_001; i++) a.service.region('User').remove(`x${i}`);
    assert.ok(a.lines.some((l) => /^warn: 20001 cache invalidations waiting for the grid topic; replaced by a clear of User$/.test(l)), a.lines.slice(-3).join('\n'));
  });

  it('caches in distributed regions from the start and publishes nothing until there is an event', async () => {
    const topic = fakeTopic();
    const a = node(topic.member('A'));
    a.service.region('User').put('k', 'v');
    assert.equal(a.service.region('User').get('k'), 'v');
    assert.equal(topic.listeners.size, 1, 'subscribed at once');
    assert.deepEqual(topic.published, [], 'no probe messages');
  });

  it('logs a publish that fails, naming region and key, and keeps working locally', async () => {
    const topic = fakeTopic();
    const a = node(topic.member('A', true));
    a.service.region('User').put('k', 'v');
    a.service.region('User').remove('k');
    await waitFor('failure logged', () => a.lines.some((l) => /^warn: cache invalidation of region User \(remove k\) not published on cacheEvents: no partition owner/.test(l)));
    assert.equal(a.service.region('User').get('k'), undefined);
  });
});
