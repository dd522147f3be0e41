import type { ServerResponse } from 'node:http';
import type { Logger } from 'winston';
import type { HttpReply, HttpRequest } from '../../http/api.js';
import type { ConsoleSampler } from './consoleSampler.js';

/** Open consoles per node; one more is refused (each holds a socket and a share of the sampler's fan-out). */
export const MAX_STREAMS = 32;

/**
 * The server-sent event streams, one per open console: `history` once (the charts so far), then a
 * `snapshot` per sampler tick. A stream whose socket buffer is still full from the last snapshot
 * skips this one (a stalled browser costs no memory here; the next snapshot is complete anyway).
 */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly sampler: ConsoleSampler, private readonly logger: Logger, private readonly max = MAX_STREAMS) {}

  get count(): number {
    return this.open.size;
  }

  /** Answers the request with a stream, or a 503 reply when `max` consoles are open. */
  attach(req: HttpRequest, res: ServerResponse): HttpReply | undefined {
    if (this.open.size >= this.max) {
      this.logger.warn(`console: refused a live stream for ${req.remoteAddress}: ${this.max} consoles are open`);
      return { status: 503, headers: { 'retry-after': '10' }, body: `Too many open consoles (${this.max}) on this node; close one and reload.\n` };
    }
    req.raw.socket.setTimeout(0);
    req.raw.socket.setNoDelay(true);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // The browser reconnects 2 s after losing the node (EventSource's own retry).
    res.write(`retry: 2000\nevent: history\ndata: ${this.sampler.history()}\n\n`);
    const latest = this.sampler.latest();
    if (latest) res.write(`event: snapshot\ndata: ${latest}\n\n`);
    this.open.add(res);
    const unsubscribe = this.sampler.subscribe((snapshot) => {
      if (res.writableNeedDrain) return;
      res.write(`event: snapshot\ndata: ${snapshot}\n\n`);
    });
    res.on('close', () => {
      unsubscribe();
      this.open.delete(res);
    });
    return undefined;
  }

  /** Ends every stream (the bundle stops); browsers reconnect and meet the connector's answer. */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
