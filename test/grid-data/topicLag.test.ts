import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pack } from 'msgpackr';
import type { Invoker } from '../../bundles/grid/partition/invoker.js';
import { GridTopic } from '../../bundles/grid/topic/reliableTopic.js';
import type { ReadResult, TopicItem } from '../../bundles/grid/topic/topicRing.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

/** An owner whose ring holds `tail` messages and answers each read with what the reader asks for, then with whatever the test releases. */
function ringOwner(tail: number) {
  const reads: number[] = [];
  let release: (() => void) | undefined;
  const invoker = {
    async invoke(_service: string, _p: number, op: [number, string, number, number, number]): Promise<ReadResult> {
      const [, , from, max] = op;
      reads.push(from);
      // The second read waits until the test lets it go: the lag of the first batch stays visible meanwhile.
      if (reads.length > 1) await new Promise<void>((resolve) => { release = resolve; });
      const start = Math.max(0, from);
      const items: TopicItem[] = [];
      for (let seq = start; seq < Math.min(tail, start + max); seq++) items.push([seq, pack(seq), 'publisher', 0]);
      return [0, tail, items];
    },
  } as unknown as Invoker;
  return { invoker, reads, next: () => release?.() };
}

test('subscriber lag: how far the local subscribers are behind the ring\'s tail after each read; count of local subscribers', async () => {
  const tail = 1000;
  const owner = ringOwner(tail);
  const topic = new GridTopic<number>('lagging', { invoker: owner.invoker, localId: 'me', partitionCount: 271, maxValueSize: 1 << 20, logger: captureLogger().logger });
  assert.deepEqual([topic.localStats().subscriberCount, topic.localStats().subscriberLag], [0, 0]);
  const seen: number[] = [];
  const unsubscribe = topic.subscribe({ message: (m) => seen.push(m.payload) });
  topic.subscribe({ message: () => undefined });
  await waitFor('the first batch delivered and the next read pending', () => owner.reads.length === 2);
  const stats = topic.localStats();
  assert.equal(stats.subscriberCount, 2);
  assert.equal(stats.subscriberLag, tail - seen.length, `delivered ${seen.length} of ${tail}`);
  assert.ok(seen.length > 0 && seen.length < tail);
  unsubscribe();
  assert.equal(topic.localStats().subscriberCount, 1);
  topic.stop();
  owner.next();
});
