import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import type { Frame } from '../transport/frame.js';
import type { HandshakeResult } from '../transport/handshake.js';
import type { Membership } from './membership.js';
import type { Messaging } from './messaging.js';
import type { Peers } from './peers.js';
import { isConnectionQuery, isFlagAnswer } from './controlSchemas.js';
import { RateLimitedLog } from './violationLog.js';

/** Asks a member whether it holds a connection with the asker: `{ nonce, opened }` (by it, else by the asker), answered `true` or `false`. */
export const OWNS_CONNECTION = 'cluster.ownsConnection';

/**
 * A member id (and its address) belongs to the connection that proved it first, as long as that
 * connection is alive (every member heartbeats on it). The password alone proves nothing about
 * identity: anyone with it could otherwise claim a live member's id and publish member lists in its
 * name. A second connection claiming a live member's id is adopted only once that member confirms,
 * over its proven connection, that the new one is its own (by the handshake nonce, with this
 * member's address); a new id at a live member's address, or at this member's, is refused outright.
 */
export class IdentityGuard {
  private readonly log: RateLimitedLog;

  /** `liveMs`: a connection that received within this time is alive; also the confirmation's timeout. */
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

  /** Answers peers' questions about this member's connections. */
  install(holds: (nonce: string, opened: boolean, address: string) => boolean): void {
    this.messaging.handle(OWNS_CONNECTION, isConnectionQuery, (from, q) => holds(q.nonce, q.opened, from.address));
  }

  /**
   * Resolves with the handshake result to adopt `conn` with (frames that arrived while the claim
   * was checked added to its backlog), or undefined when the claim was refused (and `conn` closed).
   */
  async check(conn: Connection, result: HandshakeResult): Promise<HandshakeResult | undefined> {
    const peer = result.peer;
    if (peer.address === this.local.address) return this.refuse(conn, peer, `it claims this member's address ${peer.address}`);
    const sameAddress = this.membership()?.view.members.find((m) => m.address === peer.address && m.id !== peer.id);
    if (sameAddress && this.liveConnection(sameAddress.id)) {
      return this.refuse(conn, peer, `address ${peer.address} belongs to live member ${sameAddress.id}`);
    }
    const holder = this.liveConnection(peer.id);
    if (!holder || holder === conn || !holder.peer) return result;
    // Frames that come meanwhile wait, in order, for the verdict.
    const waiting: Frame[] = [];
    conn.onFrame((f) => waiting.push(f));
    let confirmed: boolean;
    try {
      // The member opened an inbound connection; an outbound one it must have accepted (from this member).
      confirmed = await this.messaging.request(holder.peer, OWNS_CONNECTION, { nonce: conn.nonce, opened: !conn.outbound }, isFlagAnswer, this.liveMs);
    } catch {
      // The proven connection went away meanwhile: the new one may be its successor.
      confirmed = this.liveConnection(peer.id) === undefined;
    }
    if (conn.closed) return undefined;
    if (!confirmed) return this.refuse(conn, peer, `member ${peer.id} (${peer.address}) is connected already (from ${holder.remote}) and does not know this connection`);
    return { ...result, backlog: [...result.backlog, ...waiting] };
  }

  private refuse(conn: Connection, peer: GridMember, why: string): undefined {
    const host = conn.remote.replace(/:\d+$/, '');
    this.log.warn(`${host} ${peer.id}`, `grid refused a connection from ${conn.remote} claiming member ${peer.address} (id ${peer.id}): ${why}`);
    conn.close(`identity claim refused: ${why}`, true);
    return undefined;
  }

  private liveConnection(id: string): Connection | undefined {
    const c = this.peers.get(id);
    return c && Date.now() - c.lastReceived <= this.liveMs ? c : undefined;
  }
}
