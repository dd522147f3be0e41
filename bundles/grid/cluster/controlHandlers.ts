import type { GridMember } from '../api.js';
import type { Checked } from '../spi/wireSchema.js';
import type { ClusterStatus } from '../transport/handshake.js';
import type { ClusterNode } from './clusterNode.js';
import {
  isEmpty, isHeartbeat, isJoinRequest, isMemberList, isMergeOrder, isNotMember, isSuspicion,
} from './controlSchemas.js';

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

export type Heartbeat = Checked<typeof isHeartbeat>;
/** A member list as the master publishes it: version and members, oldest first. */
export type MemberList = Checked<typeof isMemberList>;

/** The heartbeat for one member: our clock, list version, hash and master, whether it is in our list, and our memory (from cluster version 3.1). */
export function heartbeatFor(node: ClusterNode, to: GridMember): Heartbeat {
  const view = node.membership.view;
  const beat: Heartbeat = { t: Date.now(), v: view.version, h: node.membership.hash, m: view.members[0]!.id, you: node.membership.has(to.id), e: node.settings.current.e };
  if (node.settings.supports('memberMemory')) beat.mem = node.vitals.localMemory();
  return beat;
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
  m.handle(ControlService.HEARTBEAT, isHeartbeat, (from, hb) => onHeartbeat(node, from, hb));
  m.handle(ControlService.PING, isEmpty, () => true);
  m.handle(ControlService.LIST, isMemberList, (from, list) => node.join.acceptList(from, list));
  m.handle(ControlService.LIST_REQUEST, isEmpty, (from) => node.master.sendList(from));
  m.handle(ControlService.JOIN, isJoinRequest, (from, p) => node.master.handleJoin(from, p.member));
  m.handle(ControlService.SUSPECT, isSuspicion, (from, p) => node.master.handleSuspect(from, p));
  m.handle(ControlService.LEAVE, isEmpty, (from) => node.master.handleLeave(from));
  m.handle(ControlService.MERGE, isMergeOrder, (from, p) => node.join.handleMergeOrder(from, p.target));
  m.handle(ControlService.MERGE_CHECK, isEmpty, (from) => node.master.handleMergeCheck(from));
  m.handle(ControlService.NOT_MEMBER, isNotMember, (from, p) => {
    if (node.joined && node.membership.has(from.id) && p.v > node.membership.view.version) {
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
  node.vitals.heartbeat(from.id, hb.mem);
  node.confirmations.heartbeat(from.id, hb.m);
  node.suspects.delete(from.id);
  if (hb.v > node.membership.view.version && !hb.you) {
    void node.join.rejoin(`member ${from.address} has a newer member list (version ${hb.v}) without this member`);
    return;
  }
  // Our master's settings differ from ours (a commit was lost with a connection): its list carries them.
  if (hb.e !== undefined && hb.e !== node.settings.current.e && from.id === node.membership.master.id && hb.m === from.id && !node.isMaster()) {
    node.messaging.send(from, ControlService.LIST_REQUEST, null);
  }
  node.viewSync.compare(from, hb);
}
