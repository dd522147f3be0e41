import type { GridMember } from '../api.js';
import type { ClusterNode } from './clusterNode.js';
import { ControlService, type Heartbeat } from './controlHandlers.js';

/** Heartbeats in a row that show a view disagreeing about the master before this member joins again. */
const DIVERGENT_BEATS = 3;

/**
 * Compares this member's view with the one each heartbeat carries (list version, list hash,
 * master). The master sends its list to a member that still sees it as master but holds another
 * list; a member asks its master for the list when they differ; a member whose master is disputed
 * by the heartbeats of a self-declared master (or by its own master) for a few heartbeats in a row
 * joins again. So two views never both stay in place: they converge within a few heartbeats.
 */
export class ViewSync {
  private readonly strikes = new Map<string, number>();

  constructor(private readonly node: ClusterNode) {}

  compare(from: GridMember, hb: Heartbeat): void {
    const n = this.node;
    const view = n.membership.view;
    const master = view.members[0]!;
    if (hb.v === view.version && hb.h === n.membership.hash && hb.m === master.id) {
      this.strikes.delete(from.id);
      return;
    }
    if (n.isMaster()) {
      // It still sees us as its master but holds another list: it takes ours (a newer one is ours anyway).
      if (hb.m === n.local.id) n.master.sendList(from);
      // Two masters in one view (no merge run sees them: each is in the other's list): the one whose address sorts last joins the other.
      else if (hb.m === from.id && from.address < n.local.address) this.strike(from, `member ${from.address} of this member's list is master of its own list (version ${hb.v})`);
      return;
    }
    const fromMaster = from.id === master.id;
    if (fromMaster && hb.m === from.id) {
      // Our master's list differs from ours: ask for it (it is sent marked as a re-sync).
      n.messaging.send(from, ControlService.LIST_REQUEST, null);
      this.strikes.delete(from.id);
      return;
    }
    // A successor that took over: its newer list is accepted once it is the rightful one.
    if (!fromMaster && hb.v > view.version && hb.m === from.id) n.messaging.send(from, ControlService.LIST_REQUEST, null);
    // Either another member says it is the master, or ours says someone else is. While ours is
    // silent, failure detection decides (a successor's list is taken once the master is suspected).
    if (!fromMaster && (hb.m !== from.id || !this.heardFrom(master.id))) return;
    this.strike(from, fromMaster
      ? `its master ${from.address} reports master ${hb.m} (member list version ${hb.v})`
      : `member ${from.address} is master of member list version ${hb.v}, this member's master is ${master.address} (version ${view.version})`);
  }

  /** One more heartbeat of `from` disputing this member's master; the last of a few in a row makes it join again. */
  private strike(from: GridMember, why: string): void {
    const count = (this.strikes.get(from.id) ?? 0) + 1;
    this.strikes.set(from.id, count);
    if (count < DIVERGENT_BEATS) return;
    this.strikes.clear();
    void this.node.join.rejoin(`the cluster's views differ: ${why}`);
  }

  private heardFrom(id: string): boolean {
    const conn = this.node.peers.get(id);
    return conn !== undefined && Date.now() - conn.lastReceived <= 2 * this.node.options.heartbeatIntervalMs;
  }

  forget(id: string): void {
    this.strikes.delete(id);
  }
}
