import { randomBytes } from 'node:crypto';
import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import { type Frame, FrameKind } from '../transport/frame.js';
import type { HandshakeResult } from '../transport/handshake.js';
import { isConnectionAnswer, isConnectionQuery } from './controlSchemas.js';
import type { Membership } from './membership.js';
import type { Messaging } from './messaging.js';
import type { Peers } from './peers.js';
import { RateLimitedLog } from './violationLog.js';

const QUERY = 'cluster.connectionQuery';
const ANSWER = 'cluster.connectionAnswer';

/** A question or answer about a member's connections (they may pass on a connection that is being checked). */
function isConnectionControl(f: Frame): boolean {
  const service = f.kind === FrameKind.MESSAGE ? (f.body as unknown[] | undefined)?.[0] : undefined;
  return service === QUERY || service === ANSWER;
}

/** What became of a connection's claim: adopt it, it was refused, or it closed meanwhile (claim confirmed, its frames delivered). */
export type ClaimVerdict = { adopt: HandshakeResult } | { refused: true } | { closed: true };

/**
 * A member id (and its address) belongs to the connection that proved it first, as long as that
 * connection is alive (every member heartbeats on it). The password alone proves nothing about
 * identity: anyone with it could otherwise claim a live member's id and publish member lists in its
 * name. A second connection claiming a live member's id is adopted only once that member confirms,
 * over its proven connection, that the new one is its own (by the handshake nonce, opened by it or
 * accepted from this member, with this member's address); a new id at a live member's address, or
 * at this member's, is refused outright.
 */
export class IdentityGuard {
  private readonly log: RateLimitedLog;
  /** Questions asked, by token: the claimed member id and where its answer goes. */
  private readonly asked = new Map<string, { id: string; answer(holds: boolean): void }>();

  /** `liveMs`: a connection that received within this time is alive; also how long an answer may take. */
  constructor(
    private readonly local: GridMember,
    private readonly peers: Peers,
    private readonly messaging: Messaging,
    private readonly membership: () => Membership | undefined,
    private readonly liveMs: number,
    logger: Logger,
  ) {
    this.log = new RateLimitedLog(logger);
  }

  /** Answers peers' questions about this member's connections, and takes the answers to ours. */
  install(holds: (nonce: string, opened: boolean, address: string) => boolean): void {
    this.messaging.handle(QUERY, isConnectionQuery, (from, q) => {
      this.messaging.send(from, ANSWER, { token: q.token, holds: holds(q.nonce, q.opened, from.address) });
    });
    this.messaging.handle(ANSWER, isConnectionAnswer, (from, a) => {
      const q = this.asked.get(a.token);
      if (q?.id === from.id) q.answer(a.holds);
    });
  }

  /** Whether `conn`, which proved `result.peer`, may speak as it; frames that came meanwhile are added to its backlog. */
  async check(conn: Connection, result: HandshakeResult): Promise<ClaimVerdict> {
    const peer = result.peer;
    if (peer.address === this.local.address) return this.refuse(conn, peer, `it claims this member's address ${peer.address}`);
    const sameAddress = this.membership()?.view.members.find((m) => m.address === peer.address && m.id !== peer.id);
    if (sameAddress && this.liveConnection(sameAddress.id)) {
      return this.refuse(conn, peer, `address ${peer.address} belongs to live member ${sameAddress.id}`);
    }
    const holder = this.liveConnection(peer.id);
    if (!holder || holder === conn || !holder.peer) return { adopt: result };
    // Frames that come meanwhile wait, in order, for the verdict. Questions and answers about
    // connections pass: the answer may come on this very connection (the member may have made it its
    // current one; only the asked member knows its token), and when both ends dialed at once each asks
    // the other over the connection the other still checks, so both would wait out the deadline and
    // refuse each other's. A question is answered over the member's proven connection, never this one.
    const waiting: Frame[] = [];
    conn.onFrame((f) => (isConnectionControl(f) ? this.messaging.deliver(conn, f) : waiting.push(f)));
    const holds = await this.ask(holder, holder.peer, conn);
    // No answer and the proven connection is gone meanwhile: the new one may be its successor.
    const confirmed = holds ?? this.liveConnection(peer.id) === undefined;
    // Closed already: the member dropped it as a duplicate of the one it keeps, nothing claims an identity any more.
    if (!confirmed && conn.closed) return { refused: true };
    if (!confirmed) return this.refuse(conn, peer, `member ${peer.id} (${peer.address}) is connected already (from ${holder.remote}) and does not know this connection`);
    if (conn.closed) {
      // The member sent these on a connection it held then (it may have dropped it as a duplicate meanwhile): they are its own.
      for (const f of [...result.backlog, ...waiting]) this.messaging.deliver(conn, f);
      return { closed: true };
    }
    return { adopt: { ...result, backlog: [...result.backlog, ...waiting] } };
  }

  /**
   * Asks the member over its proven connection `holder` whether it holds `conn`; undefined when no
   * answer came in time or the member has no live connection left. When the connection it was asked
   * over closes (replaced by another one of the member's), the question goes again over the new one.
   */
  private ask(holder: Connection, member: GridMember, conn: Connection): Promise<boolean | undefined> {
    const token = randomBytes(16).toString('hex');
    // The member opened an inbound connection; an outbound one it must have accepted (from this member).
    const question = { nonce: conn.nonce, opened: !conn.outbound, token };
    return new Promise((resolve) => {
      let unsubscribe: () => void = () => undefined;
      const done = (holds: boolean | undefined) => {
        clearTimeout(timer);
        unsubscribe();
        this.asked.delete(token);
        resolve(holds);
      };
      const askOver = (via: Connection) => {
        unsubscribe = via.onClose(() => {
          const next = this.liveConnection(member.id);
          if (next) askOver(next);
          else done(undefined);
        });
        via.send(FrameKind.MESSAGE, [QUERY, question]);
      };
      const timer = setTimeout(() => done(undefined), this.liveMs);
      this.asked.set(token, { id: member.id, answer: done });
      askOver(holder);
    });
  }

  private refuse(conn: Connection, peer: GridMember, why: string): { refused: true } {
    const host = conn.remote.replace(/:\d+$/, '');
    this.log.warn(`${host} ${peer.id}`, `grid refused a connection from ${conn.remote} claiming member ${peer.address} (id ${peer.id}): ${why}`);
    conn.close(`identity claim refused: ${why}`, true);
    return { refused: true };
  }

  private liveConnection(id: string): Connection | undefined {
    const c = this.peers.get(id);
    return c && Date.now() - c.lastReceived <= this.liveMs ? c : undefined;
  }
}
