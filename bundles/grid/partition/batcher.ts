import type { ClusterSpi } from '../spi/clusterSpi.js';
import { atTurnEnd, TurnStage } from '../spi/turnEnd.js';
import type { WireCheck } from '../spi/wireSchema.js';
import { messageOf } from './participants.js';

/** A request in (or waiting for) a batch: its item, and where its outcome goes. */
export interface Waiting {
  item: unknown;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** One item's outcome in a batch answer: `[1, value]` or `[0, error message]`. */
export type BatchResult = [ok: 0 | 1, value: unknown];

/**
 * Coalesces the requests (and fire-and-forget messages) to one member made during one event-loop
 * turn (every I/O callback of the turn and the promise continuations they trigger) into a single
 * message: with many operations in flight this cuts the frames, encodes and handler calls per
 * operation several times.
 */
export class Batcher {
  // A flushed member's key stays (its list set to undefined): a Map whose keys come and go keeps
  // outgrowing its table, which keeps what it held from young-generation collection (see CallTable).
  private readonly requests = new Map<string, Waiting[] | undefined>();
  private readonly messages = new Map<string, unknown[] | undefined>();
  // Consecutive items mostly go to the same member: comparing its id is cheaper than a lookup.
  private lastMember: string | undefined;
  private lastMessages: unknown[] | undefined;

  constructor(
    private readonly spi: ClusterSpi,
    private readonly requestService: string,
    private readonly messageService: string,
    private readonly answer: WireCheck<BatchResult[]>,
  ) {}

  request<R>(member: string, item: unknown, timeoutMs: number): Promise<R> {
    return new Promise<R>((resolve, reject) => this.enqueue(member, { item, timeoutMs, resolve: resolve as (v: unknown) => void, reject }));
  }

  /** Adds a request whose outcome goes to its own callbacks, so it needs no promise of its own. */
  enqueue(member: string, waiting: Waiting): void {
    let list = this.requests.get(member);
    if (!list) {
      this.requests.set(member, (list = []));
      atTurnEnd(TurnStage.BATCH, () => this.flushRequests(member));
    }
    list.push(waiting);
  }

  send(member: string, item: unknown): void {
    let list = member === this.lastMember ? this.lastMessages : this.messages.get(member);
    if (!list) {
      this.messages.set(member, (list = []));
      atTurnEnd(TurnStage.BATCH, () => {
        const items = this.messages.get(member)!;
        this.messages.set(member, undefined);
        if (member === this.lastMember) this.lastMember = this.lastMessages = undefined;
        this.spi.send(member, this.messageService, items);
      });
    }
    this.lastMember = member;
    this.lastMessages = list;
    list.push(item);
  }

  private flushRequests(member: string): void {
    const list = this.requests.get(member)!;
    this.requests.set(member, undefined);
    let timeout = Number.POSITIVE_INFINITY;
    const items = new Array<unknown>(list.length);
    for (let i = 0; i < list.length; i++) {
      items[i] = list[i].item;
      timeout = Math.min(timeout, list[i].timeoutMs);
    }
    this.spi.request(member, this.requestService, items, this.answer, timeout).then(
      (results) => {
        if (results.length !== list.length) {
          const err = new Error(`member ${member} answered ${results.length} of ${list.length} "${this.requestService}" items`);
          for (const w of list) w.reject(err);
          return;
        }
        for (let i = 0; i < list.length; i++) {
          const [ok, value] = results[i]!;
          if (ok) list[i].resolve(value);
          else list[i].reject(new Error(String(value)));
        }
      },
      (err: Error) => list.forEach((w) => w.reject(err)),
    );
  }
}

/** The receiving side of a batch: runs every item, answers each one's value or error in order (at once when none is a promise). */
export function answerBatch<T>(items: readonly T[], run: (item: T) => unknown): BatchResult[] | Promise<BatchResult[]> {
  const out = new Array<BatchResult>(items.length);
  const waits: Promise<void>[] = [];
  items.forEach((item, i) => {
    try {
      const r = run(item);
      if (r instanceof Promise) waits.push(r.then((v) => { out[i] = [1, v]; }, (e) => { out[i] = [0, messageOf(e)]; }));
      else out[i] = [1, r];
    } catch (e) {
      out[i] = [0, messageOf(e)];
    }
  });
  return waits.length > 0 ? Promise.all(waits).then(() => out) : out;
}
