import type { GridMember } from '../api.js';
import type { ClusterStatus } from '../transport/handshake.js';
import type { ClusterNode } from './clusterNode.js';

/** The protocol's own services, prefixed so they never clash with the data layer's. */
export const ControlService = {
  JOIN: 'cluster.join',
  LIST: 'cluster.list',
  LIST_REQUEST: 'cluster.listRequest',
  HEARTBEAT: 'cluster.heartbeat',
  SUSPECT: 'cluster.suspect',
  LEAVE: 'cluster.leave',
  MERGE: 'cluster.merge',
  MERGE_CHECK: 'cluster.mergeCheck',
  PING: 'cluster.ping',
  NOT_MEMBER: 'cluster.notMember',
} as const;

export interface Heartbeat {
  /** The sender's wall clock. */
  t: number;
  /** The sender's member list version and master. */
  v: number;
  m: string;
  /** Whether the recipient is in the sender's member list. */
  you: boolean;
}

/** A member list as the master publishes it: version and members, oldest first. */
export interface MemberList {
  v: number;
  members: GridMember[];
}

/** The heartbeat for one member: our clock, list version and master, and whether it is in our list. */
export function heartbeatFor(node: ClusterNode, to: GridMember): Heartbeat {
  const view = node.membership.view;
  return { t: Date.now(), v: view.version, m: view.members[0]!.id, you: node.membership.has(to.id) };
}

/** A member of our view reporting a newer list without us (in its handshake) means we were removed. */
export function checkStatus(node: ClusterNode, peer: GridMember, status: ClusterStatus): void {
  if (!node.joined || !status.joined || !node.membership.has(peer.id)) return;
  const local = node.local.id;
  if (status.viewVersion > node.membership.view.version && !status.memberIds.includes(local) && status.masterId !== local) {
    void node.join.rejoin(`member ${peer.address} has a newer member list (version ${status.viewVersion}) without this member`);
  }
}

/** Routes the protocol's own messages to the join process, the master duties and the failure detector. */
export function installControlHandlers(node: ClusterNode): void {
  const m = node.messaging;
  m.handle(ControlService.HEARTBEAT, (from, p) => onHeartbeat(node, from, p as Heartbeat));
  m.handle(ControlService.PING, () => true);
  m.handle(ControlService.LIST, (from, p) => node.join.acceptList(from, p as MemberList));
  m.handle(ControlService.LIST_REQUEST, (from) => node.master.sendList(from));
  m.handle(ControlService.JOIN, (from, p) => node.master.handleJoin(from, (p as { member: GridMember }).member));
  m.handle(ControlService.SUSPECT, (from, p) => node.master.handleSuspect(from, p as { id: string; reason: string }));
  m.handle(ControlService.LEAVE, (from) => node.master.handleLeave(from));
  m.handle(ControlService.MERGE, (from, p) => node.join.handleMergeOrder(from, (p as { target: string }).target));
  m.handle(ControlService.MERGE_CHECK, (from) => node.master.handleMergeCheck(from));
  m.handle(ControlService.NOT_MEMBER, (from, p) => {
    if (node.joined && node.membership.has(from.id) && (p as { v: number }).v > node.membership.view.version) {
      void node.join.rejoin(`member ${from.address} says this member is no longer in the cluster`);
    }
  });
}

function onHeartbeat(node: ClusterNode, from: GridMember, hb: Heartbeat): void {
  if (!node.joined) return;
  if (!node.membership.has(from.id)) {
    // A member we removed (it was frozen or cut off) still thinks it belongs: tell it to join again.
    if (hb.you && node.isMaster()) node.messaging.send(from, ControlService.NOT_MEMBER, { v: node.membership.view.version });
    return;
  }
  node.detector.heard(from.id);
  node.suspects.delete(from.id);
  if (hb.v <= node.membership.view.version) return;
  if (!hb.you) {
    void node.join.rejoin(`member ${from.address} has a newer member list (version ${hb.v}) without this member`);
  } else if (hb.m === from.id) {
    node.messaging.send(from, ControlService.LIST_REQUEST, null);
  }
}
