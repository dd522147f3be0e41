import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import type { Frame, FrameKind } from '../transport/frame.js';
import type { HandshakeResult } from '../transport/handshake.js';
import type { Transport } from '../transport/transport.js';

/**
 * Called when the connection a member was reached through closes (not when a duplicate is dropped),
 * or when messages waiting for a connection to it were dropped because it could not be opened.
 */
export type PeerLostHandler = (member: GridMember, reason: string) => void;

const MAX_QUEUED_BEFORE_CONNECT = 10_000;

/**
 * One connection per member pair. When two connect the same pair, both ends keep the one opened by
 * the member with the smaller id (or, both opened by the same member, the smaller handshake nonce),
 * so they agree without talking. Messages for a member that is not
 * connected yet wait (in order) for the connection.
 */
export class Peers {
  private readonly byId = new Map<string, Connection>();
  private readonly dialing = new Map<string, Promise<Connection>>();
  private readonly waiting = new Map<string, [FrameKind, unknown][]>();
  private frameHandler: (conn: Connection, frame: Frame) => void = () => undefined;
  private lostHandler: PeerLostHandler = () => undefined;
  private replacedHandler: (member: GridMember) => void = () => undefined;
  private statusHandler: (conn: Connection, result: HandshakeResult) => void = () => undefined;

  constructor(private readonly localId: string, private readonly transport: Transport, private readonly logger: Logger) {}

  onFrame(handler: (conn: Connection, frame: Frame) => void): void {
    this.frameHandler = handler;
  }

  onLost(handler: PeerLostHandler): void {
    this.lostHandler = handler;
  }

  /**
   * A member's current connection was replaced by a newer one (the duplicate tie-break): frames
   * sent on the old one may not arrive when the peer had already lost it.
   */
  onReplaced(handler: (member: GridMember) => void): void {
    this.replacedHandler = handler;
  }

  /** Every completed handshake, with the peer's cluster status. */
  onHandshake(handler: (conn: Connection, result: HandshakeResult) => void): void {
    this.statusHandler = handler;
  }

  get(id: string): Connection | undefined {
    const c = this.byId.get(id);
    return c && !c.closed ? c : undefined;
  }

  /** Adopts an authenticated connection (inbound or outbound). */
  attach(conn: Connection, result: HandshakeResult): void {
    const peer = result.peer;
    const existing = this.get(peer.id);
    if (existing && existing !== conn) {
      const initiator = (c: Connection) => (c.outbound ? this.localId : peer.id);
      const [a, b] = [initiator(conn), initiator(existing)];
      const keepNew = a === b ? conn.nonce < existing.nonce : a < b;
      const loser = keepNew ? existing : conn;
      if (keepNew) this.byId.set(peer.id, conn);
      this.wire(conn, result);
      loser.end('duplicate connection', true);
      if (keepNew) this.replacedHandler(peer);
      if (!keepNew) return;
    } else {
      this.byId.set(peer.id, conn);
      this.wire(conn, result);
    }
    const queued = this.waiting.get(peer.id);
    if (queued) {
      this.waiting.delete(peer.id);
      for (const [kind, body] of queued) conn.send(kind, body);
    }
  }

  /** The member's connection, dialing its address when there is none. */
  connection(member: GridMember): Promise<Connection> {
    const open = this.get(member.id);
    if (open) return Promise.resolve(open);
    let pending = this.dialing.get(member.id);
    if (!pending) {
      pending = this.transport.connect(member.address).then(({ conn, result }) => {
        if (result.peer.id !== member.id) {
          conn.close(`${member.address} is now member ${result.peer.id}, not ${member.id}`);
          throw new Error(`member ${member.id} at ${member.address} is gone (a new process ${result.peer.id} listens there)`);
        }
        this.attach(conn, result);
        this.statusHandler(conn, result);
        return this.get(member.id) ?? conn;
      }).finally(() => this.dialing.delete(member.id));
      this.dialing.set(member.id, pending);
    }
    return pending;
  }

  /** Sends now, or once the member is connected; false when the message was dropped. */
  send(member: GridMember, kind: FrameKind, body: unknown): boolean {
    const conn = this.get(member.id);
    if (conn) return conn.send(kind, body);
    const queue = this.waiting.get(member.id) ?? [];
    if (queue.length >= MAX_QUEUED_BEFORE_CONNECT) return false;
    queue.push([kind, body]);
    this.waiting.set(member.id, queue);
    if (queue.length === 1) {
      this.connection(member).catch((err: Error) => {
        this.waiting.delete(member.id);
        this.logger.debug(`grid dropped ${queue.length} message(s) for ${member.address}: ${err.message}`);
        this.lostHandler(member, `cannot connect: ${err.message}`);
      });
    }
    return true;
  }

  /** Closes and forgets a member's connection (it was removed from the cluster). */
  drop(id: string, reason: string): void {
    const c = this.byId.get(id);
    this.byId.delete(id);
    this.waiting.delete(id);
    c?.close(reason);
  }

  /** As `drop`, but what is queued for the member is written first; nothing more is read from it. */
  retire(id: string, reason: string): void {
    const c = this.byId.get(id);
    this.byId.delete(id);
    this.waiting.delete(id);
    c?.end(reason);
  }

  private wire(conn: Connection, result: HandshakeResult): void {
    conn.onFrame((frame) => this.frameHandler(conn, frame));
    conn.onClose((reason) => {
      if (this.byId.get(result.peer.id) !== conn) return;
      this.byId.delete(result.peer.id);
      this.lostHandler(result.peer, reason);
    });
    for (const frame of result.backlog) this.frameHandler(conn, frame);
  }
}
