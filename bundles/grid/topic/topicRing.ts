import type { Invoker } from '../partition/invoker.js';
import type { PartitionExecutor } from '../partition/partitionExecutor.js';
import type { ReplicaParticipant } from '../partition/participants.js';
import { isTopicBackup, isTopicChunk, isTopicOp, topicAnswerCheck } from './topicSchemas.js';
import { TOPIC_SERVICE, TopicOp, type TopicOpPayload } from './topicOps.js';

export { TOPIC_SERVICE, TopicOp };

/** How long a subscriber's read waits on the owner for new messages. */
const LONG_POLL_MS = 2000;

/** A stored message: sequence, msgpack payload, publisher id, publish time. */
export type TopicItem = [seq: number, payload: Buffer, publisher: string, time: number];

/** What a read returns: the oldest sequence still kept, the next sequence to be written, and messages. */
export type ReadResult = [head: number, tail: number, items: TopicItem[]];

/** One topic's ring: items[i] has sequence head + i. */
export class Ring {
  head = 0;
  readonly items: TopicItem[] = [];

  get tail(): number {
    return this.head + this.items.length;
  }

  append(item: TopicItem, capacity: number): void {
    this.items.push(item);
    while (this.items.length > capacity) {
      this.items.shift();
      this.head++;
    }
  }

  /** The sequence of the oldest item published at or after `time`, or the tail when there is none. */
  firstSince(time: number): number {
    let i = this.items.length;
    while (i > 0 && this.items[i - 1][3] >= time) i--;
    return this.head + i;
  }

  read(from: number, max: number): ReadResult {
    const start = Math.max(from, this.head) - this.head;
    return [this.head, this.tail, this.items.slice(start, start + max)];
  }
}

/**
 * The owner side of reliable topics: rings per partition, appends with a sync backup on the first
 * backup replica, and long-polling reads for subscribers.
 */
export class TopicRings implements PartitionExecutor, ReplicaParticipant {
  readonly name = 'topic';
  readonly opCheck = isTopicOp;
  readonly backupCheck = isTopicBackup;
  readonly answerCheck = topicAnswerCheck;
  readonly chunkCheck = isTopicChunk;
  private readonly rings: (Map<string, Ring> | undefined)[];
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(partitionCount: number, private readonly invoker: Invoker, private readonly capacity: number) {
    this.rings = new Array(partitionCount).fill(undefined);
  }

  ring(p: number, topic: string): Ring {
    let m = this.rings[p];
    if (!m) this.rings[p] = m = new Map();
    let r = m.get(topic);
    if (!r) m.set(topic, (r = new Ring()));
    return r;
  }

  names(): string[] {
    return [...new Set(this.rings.flatMap((m) => [...(m?.keys() ?? [])]))];
  }

  execute(p: number, op: unknown): unknown {
    const o = op as TopicOpPayload;
    const ring = this.ring(p, o[1]);
    if (o[0] === TopicOp.PUBLISH) {
      const item: TopicItem = [ring.tail, Buffer.from(o[2]), o[3], o[4]];
      ring.append(item, this.capacity);
      const waiters = this.waiting.get(o[1]);
      this.waiting.delete(o[1]);
      for (const wake of waiters ?? []) wake();
      return this.invoker.backup(TOPIC_SERVICE, p, [o[1], item], 1, 0).then(() => item[0]);
    }
    const [, topic, from, max, since] = o;
    if (from < 0) return ring.read(ring.firstSince(since), max);
    if (from < ring.tail) return ring.read(from, max);
    return new Promise<ReadResult>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(ring.read(from, max));
      };
      // A poll that times out leaves the list, or a topic without publishes would collect one per poll.
      const timer = setTimeout(() => {
        const list = this.waiting.get(topic);
        const i = list?.indexOf(done) ?? -1;
        if (i >= 0) list!.splice(i, 1);
        if (list?.length === 0) this.waiting.delete(topic);
        done();
      }, LONG_POLL_MS);
      const list = this.waiting.get(topic) ?? [];
      list.push(done);
      this.waiting.set(topic, list);
    });
  }

  applyBackup(p: number, op: unknown): void {
    const [topic, item] = op as [string, TopicItem];
    const ring = this.ring(p, topic);
    if (item[0] < ring.tail) return;
    if (item[0] > ring.tail) {
      ring.items.length = 0;
      ring.head = item[0];
    }
    ring.append([item[0], Buffer.from(item[1]), item[2], item[3]], this.capacity);
  }

  snapshot(p: number, replicaIndex: number): unknown[] {
    if (replicaIndex > 1) return [[]];
    return [[...(this.rings[p] ?? [])].map(([name, r]) => [name, r.head, r.items])];
  }

  /** Rings have one backup (index 1): a replica further back holds none, and must not keep one. */
  covers(_p: number, heldIndex: number, index: number): boolean {
    return (heldIndex <= 1) === (index <= 1);
  }

  restore(p: number, chunk: unknown, first: boolean): void {
    if (first) this.rings[p] = undefined;
    for (const [name, head, items] of chunk as [string, number, TopicItem[]][]) {
      const ring = this.ring(p, name);
      ring.head = head;
      for (const [seq, payload, publisher, time] of items) ring.items.push([seq, Buffer.from(payload), publisher, time]);
    }
  }

  drop(p: number): void {
    this.rings[p] = undefined;
  }

  promoted(): void {}

  /** Answers every parked read now (on shutdown). */
  wakeAll(): void {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const wake of all) wake();
  }
}
