import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import type { HandshakeResult } from '../transport/handshake.js';
import type { ClusterNode } from './clusterNode.js';
import { checkStatus } from './controlHandlers.js';
import { IdentityGuard } from './identityGuard.js';

/**
 * What a member does with its connections: an accepted or probed one is attached once its identity
 * claim holds (`IdentityGuard`); a lost one to a member of the view is dialled again, and the member
 * suspected when that fails.
 */
export class ConnectionEvents {
  private identity!: IdentityGuard;
  private readonly lostListeners = new Set<(memberId: string) => void>();

  constructor(private readonly node: ClusterNode) {}

  /** Once the local member and its membership exist: the identity guard and the peers' events. */
  install(): void {
    const n = this.node;
    // A live member heartbeats every interval: after two intervals of silence its connection may be replaced.
    this.identity = new IdentityGuard(n.local, n.peers, n.messaging, () => n.membership, Math.max(1000, 2 * n.options.heartbeatIntervalMs), n.logger);
    this.identity.install((nonce, opened, peer) => n.transport.holds(nonce, opened, peer));
    n.peers.onLost((member, reason) => this.peerLost(member, reason));
    n.peers.onReplaced((member) => this.lost(member.id));
    n.peers.onHandshake((conn, result) => checkStatus(n, conn.peer!, result.status));
  }

  /** Listens for connections lost or replaced (frames may have been lost with them), for `ClusterSpi.onConnectionLost`. */
  onLost(listener: (memberId: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private lost(memberId: string): void {
    for (const listener of this.lostListeners) listener(memberId);
  }

  /** A connection another member opened to this one, after its handshake. */
  inbound(conn: Connection, result: HandshakeResult): void {
    const n = this.node;
    if (n.stopping || !n.membership || result.peer.id === n.local.id) {
      conn.close(result.peer.id === n.local?.id ? 'probed itself' : 'this member is not ready');
      return;
    }
    void this.adopt(conn, result).then((adopted) => {
      if (adopted) checkStatus(n, result.peer, result.status);
    });
  }

  /**
   * Attaches a connection found by a probe or accepted, unless it claims an identity that is taken
   * (false then); one that closed while its claim was confirmed is not attached, but its status counts.
   */
  async adopt(conn: Connection, handshake: HandshakeResult): Promise<boolean> {
    const n = this.node;
    const verdict = await this.identity.check(conn, handshake);
    if ('refused' in verdict) return false;
    if ('closed' in verdict || n.stopping) return !n.stopping;
    const result = verdict.adopt;
    n.peers.attach(conn, result);
    if (n.membership.has(result.peer.id)) {
      n.detector.heard(result.peer.id);
      n.suspects.delete(result.peer.id);
    }
    return true;
  }

  private peerLost(member: GridMember, reason: string): void {
    const n = this.node;
    n.messaging.failCalls(member.id, `connection to ${member.address} lost (${reason})`);
    this.lost(member.id);
    if (n.stopping || !n.joined || !n.membership.has(member.id) || n.membership.hasLeft(member.id)) return;
    n.logger.info(`grid: connection to member ${member.address} lost (${reason}); trying to reconnect`);
    n.peers.connection(member).then(
      () => {
        n.detector.heard(member.id);
        n.suspects.delete(member.id);
        n.logger.info(`grid: reconnected to member ${member.address}`);
      },
      (err: Error) => n.suspect(member, `connection lost (${reason}) and reconnect failed: ${err.message}`),
    );
  }
}
