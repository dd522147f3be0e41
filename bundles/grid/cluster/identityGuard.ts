import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import type { Membership } from './membership.js';
import type { Peers } from './peers.js';
import { RateLimitedLog } from './violationLog.js';

/**
 * A member id (and its address) belongs to the connection that proved it first, as long as that
 * connection is alive: every member heartbeats on it, so a live member's connection has always
 * received something within a few heartbeat intervals. Anyone with the password could otherwise
 * claim a live member's identity and speak (publish member lists) in its name.
 */
export class IdentityGuard {
  private readonly log: RateLimitedLog;

  /**
   * `liveMs`: a connection that received within this time is alive. `settleMs`: two connections
   * of the same pair opened this close together are both genuine (both members dialled at once).
   */
  constructor(
    private readonly local: GridMember,
    private readonly peers: Peers,
    private readonly membership: () => Membership | undefined,
    private readonly liveMs: number,
    private readonly settleMs: number,
    logger: Logger,
  ) {
    this.log = new RateLimitedLog(logger);
  }

  /** Why `conn`, which proved `peer`, may not speak as it; undefined when it may. */
  refusal(conn: Connection, peer: GridMember): string | undefined {
    if (peer.address === this.local.address) return `it claims this member's address ${peer.address}`;
    const holder = this.peers.get(peer.id);
    if (holder && holder !== conn && this.alive(holder) && this.peers.attachedFor(holder) > this.settleMs) {
      return `member ${peer.id} (${peer.address}) is connected already (from ${holder.remote})`;
    }
    const sameAddress = this.membership()?.view.members.find((m) => m.address === peer.address && m.id !== peer.id);
    const other = sameAddress && this.peers.get(sameAddress.id);
    if (other && this.alive(other)) return `address ${peer.address} belongs to live member ${sameAddress.id}`;
    return undefined;
  }

  /** Closes a refused connection, with one rate-limited line naming the claim. */
  refuse(conn: Connection, peer: GridMember, why: string): void {
    const host = conn.remote.replace(/:\d+$/, '');
    this.log.warn(`${host} ${peer.id}`, `grid refused a connection from ${conn.remote} claiming member ${peer.address} (id ${peer.id}): ${why}`);
    conn.close(`identity claim refused: ${why}`, true);
  }

  private alive(conn: Connection): boolean {
    return Date.now() - conn.lastReceived <= this.liveMs;
  }
}
