import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import { CallTable } from '../spi/callTable.js';
import type { MessageHandler } from '../spi/clusterSpi.js';
import type { Connection } from '../transport/connection.js';
import { type Frame, FrameKind } from '../transport/frame.js';
import type { Peers } from './peers.js';

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
  deadline: number;
  memberId: string;
  address: string;
  timeoutMs: number;
  service: string;
}

/** An error a remote handler threw, carried back by message. */
export class RemoteError extends Error {}

const SWEEP_MS = 50;

/**
 * Service-addressed messages and request/response over the member connections. Timeouts are
 * checked by one sweeping timer instead of a timer per call, which keeps a request cheap.
 */
export class Messaging {
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly calls = new CallTable<PendingCall>();
  private nextCallId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly peers: Peers, private readonly defaultTimeoutMs: number, private readonly logger: Logger) {
    peers.onFrame((conn, frame) => this.receive(conn, frame));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  handle(service: string, handler: MessageHandler): void {
    this.handlers.set(service, handler);
  }

  /** The handler of `service`, for messages to the local member (delivered in-process). */
  handler(service: string): MessageHandler | undefined {
    return this.handlers.get(service);
  }

  send(member: GridMember, service: string, payload: unknown): boolean {
    return this.peers.send(member, FrameKind.MESSAGE, [service, payload]);
  }

  request<R>(member: GridMember, service: string, payload: unknown, timeoutMs = this.defaultTimeoutMs): Promise<R> {
    // After close no sweeper enforces the deadline: the call could wait forever.
    if (this.closed) return Promise.reject(new Error(`request "${service}" to member ${member.address} failed: this member is shutting down`));
    return new Promise<R>((resolve, reject) => {
      const id = this.nextCallId++;
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject, deadline: Date.now() + timeoutMs, memberId: member.id, address: member.address, timeoutMs, service });
      if (!this.peers.send(member, FrameKind.REQUEST, [id, service, payload])) {
        this.calls.delete(id);
        reject(new Error(`request "${service}" to member ${member.address} could not be sent (no connection)`));
      }
    });
  }

  /** Rejects every call waiting on `memberId` (its connection closed or it left the cluster). */
  failCalls(memberId: string, why: string): void {
    for (const [id, call] of this.calls) {
      if (call.memberId !== memberId) continue;
      this.calls.delete(id);
      call.reject(new Error(`request "${call.service}" failed: ${why}`));
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const [, call] of this.calls) call.reject(new Error(`request "${call.service}" failed: this member is shutting down`));
    this.calls.clear();
  }

  private sweep(): void {
    if (this.calls.size === 0) return;
    const now = Date.now();
    for (const [id, call] of this.calls) {
      if (call.deadline > now) continue;
      this.calls.delete(id);
      call.reject(new Error(`request "${call.service}" to member ${call.address} timed out after ${call.timeoutMs} ms`));
    }
  }

  private receive(conn: Connection, frame: Frame): void {
    const from = conn.peer;
    if (!from) return;
    const body = frame.body as unknown[];
    switch (frame.kind) {
      case FrameKind.MESSAGE: {
        const handler = this.handlers.get(body[0] as string);
        if (!handler) {
          this.logger.debug(`grid: no handler for service "${String(body[0])}" (message from ${from.address})`);
          return;
        }
        try {
          const r = handler(from, body[1]);
          if (r instanceof Promise) r.catch((err: Error) => this.logger.warn(`grid handler "${String(body[0])}" failed on a message from ${from.address}: ${err.message}`));
        } catch (err) {
          this.logger.warn(`grid handler "${String(body[0])}" failed on a message from ${from.address}: ${(err as Error).message}`);
        }
        return;
      }
      case FrameKind.REQUEST:
        return this.answer(conn, from, body[0] as number, body[1] as string, body[2]);
      case FrameKind.RESPONSE: {
        const call = this.calls.get(body[0] as number);
        if (!call) return;
        this.calls.delete(body[0] as number);
        if (body[1]) call.resolve(body[2]);
        else call.reject(new RemoteError(`${String(body[2])} (on member ${from.address})`));
        return;
      }
      default:
        conn.close(`unexpected frame kind ${frame.kind} after the handshake`, true);
    }
  }

  private answer(conn: Connection, from: GridMember, id: number, service: string, payload: unknown): void {
    // A request that came on a connection closed since (a dropped duplicate) is answered on the member's current one.
    const reply = (body: unknown[]) => (conn.closed ? this.peers.send(from, FrameKind.RESPONSE, body) : conn.send(FrameKind.RESPONSE, body));
    const handler = this.handlers.get(service);
    if (!handler) {
      reply([id, false, `no handler for service "${service}"`]);
      return;
    }
    const fail = (err: unknown) => reply([id, false, err instanceof Error ? err.message : String(err)]);
    try {
      const r = handler(from, payload);
      if (r instanceof Promise) r.then((value) => reply([id, true, value]), fail);
      else reply([id, true, r]);
    } catch (err) {
      fail(err);
    }
  }
}
