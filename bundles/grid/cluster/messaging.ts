import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import { CallTable } from '../spi/callTable.js';
import type { MessageHandler, ServiceHandler } from '../spi/clusterSpi.js';
import { type WireCheck, WireLimits, WireViolation } from '../spi/wireSchema.js';
import type { Connection } from '../transport/connection.js';
import { type Frame, FrameKind } from '../transport/frame.js';
import { isMessageFrame, isRequestFrame, isResponseFrame } from './frameSchemas.js';
import type { Peers } from './peers.js';
import { RateLimitedLog } from './violationLog.js';

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
  answer: WireCheck<unknown>;
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
 * Every frame from a peer is checked against its kind's schema, its payload against the service's
 * (or the pending call's answer) schema, before any field is used; a violation drops the connection.
 */
export class Messaging {
  private readonly handlers = new Map<string, ServiceHandler>();
  private readonly calls = new CallTable<PendingCall>();
  private nextCallId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly violations: RateLimitedLog;

  constructor(private readonly peers: Peers, private readonly defaultTimeoutMs: number, private readonly logger: Logger) {
    peers.onFrame((conn, frame) => this.deliver(conn, frame));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    this.violations = new RateLimitedLog(logger);
  }

  handle<T>(service: string, check: WireCheck<T>, handler: MessageHandler<T>): void {
    this.handlers.set(service, { check, handler } as ServiceHandler);
  }

  /** The handler of `service`, for messages to the local member (delivered in-process, not checked). */
  handler(service: string): MessageHandler | undefined {
    return this.handlers.get(service)?.handler;
  }

  send(member: GridMember, service: string, payload: unknown): boolean {
    return this.peers.send(member, FrameKind.MESSAGE, [service, payload]);
  }

  request<R>(member: GridMember, service: string, payload: unknown, answer: WireCheck<R>, timeoutMs = this.defaultTimeoutMs): Promise<R> {
    // After close no sweeper enforces the deadline: the call could wait forever.
    if (this.closed) return Promise.reject(new Error(`request "${service}" to member ${member.address} failed: this member is shutting down`));
    return new Promise<R>((resolve, reject) => {
      const id = this.nextCallId++;
      this.calls.set(id, {
        resolve: resolve as (v: unknown) => void, reject, answer, deadline: Date.now() + timeoutMs, memberId: member.id, address: member.address, timeoutMs, service,
      });
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

  /** Handles a frame from an authenticated connection (its peer as the connection proved it). */
  deliver(conn: Connection, frame: Frame): void {
    const from = conn.peer;
    if (!from) return;
    const body = frame.body;
    switch (frame.kind) {
      case FrameKind.MESSAGE: {
        if (!isMessageFrame(body)) return this.drop(conn, from, 'message frame', isMessageFrame.explain(body));
        const [service, payload] = body;
        const entry = this.handlers.get(service);
        if (!entry) {
          this.logger.debug(`grid: no handler for service "${service}" (message from ${from.address})`);
          return;
        }
        if (!entry.check(payload)) return this.drop(conn, from, `"${service}" message`, entry.check.explain(payload));
        try {
          const r = entry.handler(from, payload);
          if (r instanceof Promise) r.catch((err: Error) => this.logger.warn(`grid handler "${service}" failed on a message from ${from.address}: ${err.message}`));
        } catch (err) {
          if (err instanceof WireViolation) return this.drop(conn, from, `"${service}" message (${err.what})`, err.violation);
          this.logger.warn(`grid handler "${service}" failed on a message from ${from.address}: ${(err as Error).message}`);
        }
        return;
      }
      case FrameKind.REQUEST:
        if (!isRequestFrame(body)) return this.drop(conn, from, 'request frame', isRequestFrame.explain(body));
        return this.answer(conn, from, body[0], body[1], body[2]);
      case FrameKind.RESPONSE: {
        if (!isResponseFrame(body)) return this.drop(conn, from, 'response frame', isResponseFrame.explain(body));
        const call = this.calls.get(body[0]);
        if (!call || call.memberId !== from.id) return;
        this.calls.delete(body[0]);
        if (!body[1]) return call.reject(new RemoteError(`${body[2] as string} (on member ${from.address})`));
        if (call.answer(body[2])) return call.resolve(body[2]);
        const violation = call.answer.explain(body[2]);
        call.reject(new Error(`request "${call.service}" to member ${from.address} got a malformed answer: ${violation}`));
        return this.drop(conn, from, `"${call.service}" answer`, violation);
      }
      default:
        this.drop(conn, from, `frame of kind ${frame.kind}`, 'not a kind used after the handshake');
    }
  }

  /** A peer sent what no schema allows: one rate-limited line naming it, the service and the violation; its connection goes. */
  private drop(conn: Connection, from: GridMember, what: string, violation: string): void {
    this.violations.warn(`${from.id} ${what}`, `grid dropped the connection of member ${from.address} (id ${from.id}): malformed ${what}: ${violation}`);
    conn.close(`malformed ${what} from ${from.address}: ${violation}`, true);
  }

  private answer(conn: Connection, from: GridMember, id: number, service: string, payload: unknown): void {
    // A request that came on a connection closed since (a dropped duplicate) is answered on the member's current one.
    const reply = (body: unknown[]) => (conn.closed ? this.peers.send(from, FrameKind.RESPONSE, body) : conn.send(FrameKind.RESPONSE, body));
    const entry = this.handlers.get(service);
    if (!entry) {
      reply([id, false, `no handler for service "${service}"`]);
      return;
    }
    if (!entry.check(payload)) return this.drop(conn, from, `"${service}" request`, entry.check.explain(payload));
    const fail = (err: unknown) => reply([id, false, (err instanceof Error ? err.message : String(err)).slice(0, WireLimits.TEXT)]);
    try {
      const r = entry.handler(from, payload);
      if (r instanceof Promise) r.then((value) => reply([id, true, value]), fail);
      else reply([id, true, r]);
    } catch (err) {
      if (err instanceof WireViolation) return this.drop(conn, from, `"${service}" request (${err.what})`, err.violation);
      fail(err);
    }
  }
}
