import { pack, unpack } from 'msgpackr';
import type { Logger } from 'winston';
import type { LocalTopicStats, ReliableTopic, TopicListener } from '../api.js';
import type { Invoker } from '../partition/invoker.js';
import { messageOf, sleep } from '../partition/participants.js';
import { partitionOf } from '../partition/partitionTable.js';
import type { SplitBrainProtection } from '../data/splitBrainProtection.js';
import { TOPIC_SERVICE, TopicOp, type ReadResult } from './topicRing.js';

const READ_BATCH = 256;
/**
 * A new reader starts with the messages published since it subscribed, minus this allowance for
 * clock skew between members: its first read reaches the ring owner later, and a message published
 * in between must not be lost. Receiving one that is slightly older is harmless by comparison.
 */
const SUBSCRIBE_SKEW_MS = 1000;

export interface TopicContext {
  readonly invoker: Invoker;
  readonly localId: string;
  readonly partitionCount: number;
  readonly maxValueSize: number;
  readonly logger: Logger;
  /** Split-brain protection of this topic's publishes. */
  readonly protection?: SplitBrainProtection;
}

/**
 * A reliable topic proxy. Publishes are chained so one publisher's messages keep their order;
 * subscribers on this member share one reader that pulls from the ring by sequence, so a reader
 * that fell behind the ring (or lost the owner) sees the jump and reports a gap.
 */
export class GridTopic<T> implements ReliableTopic<T> {
  private readonly partition: number;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<TopicListener<T>>();
  private reading = false;
  private readonly counts = { published: 0, received: 0, gaps: 0 };
  /** The ring's tail at the last read, and the next sequence the reader delivers. */
  private readTail = 0;
  private readNext = 0;
  private stopped = false;

  constructor(readonly name: string, private readonly ctx: TopicContext) {
    this.partition = partitionOf(name, ctx.partitionCount);
  }

  publish(payload: T): Promise<void> {
    const refusal = this.ctx.protection?.refusal();
    if (refusal) return Promise.reject(refusal);
    const buf = pack(payload);
    if (buf.length > this.ctx.maxValueSize) {
      return Promise.reject(new Error(`topic ${this.name}: message of ${buf.length} bytes is more than the limit of ${this.ctx.maxValueSize}`));
    }
    const next = this.chain.then(() =>
      this.ctx.invoker.invoke(TOPIC_SERVICE, this.partition, [TopicOp.PUBLISH, this.name, buf, this.ctx.localId, Date.now()]));
    this.chain = next.catch(() => undefined);
    return next.then(() => {
      this.counts.published++;
    });
  }

  subscribe(listener: TopicListener<T>): () => void {
    this.listeners.add(listener);
    if (!this.reading) {
      this.reading = true;
      void this.readLoop();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  localStats(): LocalTopicStats {
    const subscriberCount = this.listeners.size;
    return { ...this.counts, subscriberCount, subscriberLag: subscriberCount > 0 && this.reading ? Math.max(0, this.readTail - this.readNext) : 0 };
  }

  stop(): void {
    this.stopped = true;
  }

  private async readLoop(): Promise<void> {
    const since = Date.now() - SUBSCRIBE_SKEW_MS;
    let next = -1;
    while (this.listeners.size > 0 && !this.stopped) {
      let result: ReadResult;
      try {
        result = await this.ctx.invoker.invoke<ReadResult>(TOPIC_SERVICE, this.partition, [TopicOp.READ, this.name, next, READ_BATCH, since]);
      } catch (err) {
        this.ctx.logger.debug(`topic ${this.name}: read from ${next} failed: ${messageOf(err)}`);
        await sleep(100);
        continue;
      }
      const [head, tail, items] = result;
      if (next < 0) next = items.length ? items[0][0] : tail;
      if (tail < next) {
        this.ctx.logger.warn(`topic ${this.name}: the ring restarted at ${tail} while this member expected ${next} (owner lost without backup)`);
        this.gap(tail, next - 1);
        next = tail;
      } else if (head > next) {
        this.gap(next, head - 1);
        next = head;
      }
      for (const [seq, payload, publisher, publishTime] of items) {
        if (seq < next) continue;
        next = seq + 1;
        this.counts.received++;
        const message = { payload: unpack(payload) as T, publisher, sequence: seq, publishTime };
        for (const l of this.listeners) {
          try {
            l.message(message);
          } catch (err) {
            this.ctx.logger.warn(`topic ${this.name}: listener failed on message ${seq}: ${messageOf(err)}`);
          }
        }
      }
      this.readTail = tail;
      this.readNext = next;
    }
    this.reading = false;
  }

  private gap(from: number, to: number): void {
    this.counts.gaps++;
    for (const l of this.listeners) {
      try {
        l.gap?.({ topic: this.name, from, to });
      } catch (err) {
        this.ctx.logger.warn(`topic ${this.name}: listener failed on gap ${from}..${to}: ${messageOf(err)}`);
      }
    }
  }
}
