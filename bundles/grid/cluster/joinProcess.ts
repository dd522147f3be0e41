import { setTimeout as delay } from 'node:timers/promises';
import type { GridMember } from '../api.js';
import type { ClusterNode } from './clusterNode.js';
import { ControlService, type MemberList } from './controlHandlers.js';
import { isJoinAnswer } from './controlSchemas.js';
import { listHash } from './membership.js';
import { RateLimitedLog } from './violationLog.js';
import { type ProbeResult, sighting, wins } from './prober.js';

const RETRY_MS = 250;
const JOIN_REPLY_TIMEOUT_MS = 5000;
/** A master that refused this member is not asked again through a split-brain merge for this long. */
const REFUSAL_BACKOFF_MS = 60_000;

/**
 * Finding and joining a cluster: at start-up, after being removed, and when merging into a larger
 * cluster. Joins always go through the master; among members that are all still starting, the one
 * with the smallest address forms the cluster and the others join it.
 */
export class JoinProcess {
  private rejoining = false;
  private listArrived: (() => void) | undefined;
  /** Masters that refused this member's join (cluster state, version) → until when not to try again through a merge. */
  private readonly refusedUntil = new Map<string, number>();
  private readonly refusals: RateLimitedLog;

  constructor(private readonly node: ClusterNode) {
    this.refusals = new RateLimitedLog(node.logger);
  }

  /** Whether the master at `address` refused this member's join within the last minute. */
  refusedRecently(address: string): boolean {
    return (this.refusedUntil.get(address) ?? 0) > Date.now();
  }

  get busy(): boolean {
    return this.rejoining;
  }

  async joinCluster(reason: string, preferred: string[] = []): Promise<void> {
    const n = this.node;
    n.discovery.query();
    if (n.discovery.settleMs > 0) await delay(n.discovery.settleMs);
    const deadline = Date.now() + (n.options.startupJoinTimeoutMs ?? 5000);
    while (!n.stopping) {
      const results = await n.prober.probeAll([...preferred, ...n.discovery.candidates()]);
      const clusters = results.filter((r) => r.status.joined);
      if (clusters.length > 0) {
        const best = clusters.reduce((a, b) => (wins(sighting(b.status), sighting(a.status)) ? b : a));
        if (await this.joinVia(best)) return;
      } else if (results.every((r) => n.local.address < r.peer.address)) {
        break;
      }
      if (Date.now() > deadline) break;
      await delay(RETRY_MS);
    }
    if (n.stopping) return;
    // Joined first: the membership listeners (the data layer) see this member as master.
    n.joined = true;
    n.installList(1, [n.local]);
    n.logger.info(`grid member ${n.local.address} formed cluster "${n.clusterName}" as its first member and master (${reason})`);
  }

  /** Asks the master of the probed member's cluster to admit this member; true once the list says so. */
  private async joinVia(found: ProbeResult): Promise<boolean> {
    const n = this.node;
    let master: GridMember | undefined = found.peer.id === found.status.masterId ? found.peer : undefined;
    if (!master) {
      const probed = await n.prober.probe(found.status.masterAddress);
      if (probed?.peer.id === found.status.masterId) master = probed.peer;
    }
    if (!master) return false;
    const arrived = new Promise<void>((resolve) => (this.listArrived = resolve));
    try {
      const reply = await n.messaging.request(master, ControlService.JOIN, { member: n.local }, isJoinAnswer, JOIN_REPLY_TIMEOUT_MS);
      if (reply?.refused) {
        this.refusedUntil.set(master.address, Date.now() + REFUSAL_BACKOFF_MS);
        this.refusals.warn(master.address, `grid member ${n.local.address} (grid protocol ${n.local.version}) was refused by master ${master.address} of cluster "${n.clusterName}": ${reply.refused}`);
        return false;
      }
      if (!reply?.ok) return false;
      // The losing timer of the race must not keep a short-lived process (oxk map) alive.
      await Promise.race([arrived, delay(JOIN_REPLY_TIMEOUT_MS, undefined, { ref: false })]);
    } catch (err) {
      n.logger.warn(`grid member ${n.local.address} could not join through master ${master.address}: ${(err as Error).message}`);
      return false;
    } finally {
      this.listArrived = undefined;
    }
    if (!n.joined) return false;
    const view = n.membership.view;
    n.logger.info(`grid member ${n.local.address} joined cluster "${n.clusterName}": ${view.members.length} members, master ${view.members[0]!.address}`);
    return true;
  }

  /**
   * A member list published by a master: accepted from our master, or from the rightful successor,
   * when newer; a list marked as a re-sync from our master also when it differs at any version.
   * The list's master must be the sender as its connection proved it, and our own entry ours.
   */
  acceptList(from: GridMember, list: MemberList): void {
    const n = this.node;
    const members = list.members;
    const problem = listProblem(from, n.local, members);
    if (problem) {
      n.logger.debug(`grid: ignored member list ${list.v} from ${from.address}: ${problem}`);
      return;
    }
    const includesMe = members.some((m) => m.id === n.local.id);
    if (!n.joined) {
      if (!includesMe || !this.listArrived) return;
      n.joined = true;
      if (list.s) n.settings.adopt(list.s, true);
      n.installList(list.v, members);
      this.listArrived();
      return;
    }
    const view = n.membership.view;
    // Settings come with any list of our master, also one that is not newer (the answer to a heartbeat's mismatch).
    if (list.s && from.id === n.membership.master.id) n.settings.adopt(list.s, true);
    const resync = list.sync === true && from.id === n.membership.master.id && listHash(members) !== n.membership.hash;
    if (list.v <= view.version && !resync) return;
    const at = view.members.findIndex((m) => m.id === from.id);
    const gone = (m: GridMember) => n.suspects.has(m.id) || n.membership.hasLeft(m.id);
    const rightful = from.id === n.membership.master.id || (at > 0 && view.members.slice(0, at).every(gone));
    if (!rightful) {
      n.logger.debug(`grid: ignored member list ${list.v} from ${from.address}: it is not this member's master`);
      return;
    }
    if (!includesMe) {
      void this.rejoin(`master ${from.address} removed this member from the cluster`);
      return;
    }
    if (resync) n.logger.warn(`grid: member list re-synchronised from master ${from.address}: version ${view.version} -> ${list.v}, ${members.length} members`);
    // The master's settings win even when older: after a master died during a change, the cluster converges on the new master's.
    if (list.s) n.settings.adopt(list.s, true);
    const change = n.installList(list.v, members);
    for (const m of change.added) n.logger.info(`grid: member ${m.address} joined (member list version ${list.v}, ${members.length} members)`);
    for (const m of change.removed) n.logger.info(`grid: member ${m.address} removed (member list version ${list.v}, ${members.length} members)`);
  }

  handleMergeOrder(from: GridMember, target: string): void {
    const n = this.node;
    if (!n.joined || from.id !== n.membership.master.id || from.id === n.local.id) return;
    void this.rejoin(`split-brain merge: the master orders a join of the larger cluster at ${target}`, [target]);
  }

  /** Leaves the current view and joins again, wrapped in the merge hooks (the data layer merges its entries). */
  async rejoin(reason: string, preferred: string[] = []): Promise<void> {
    const n = this.node;
    if (this.rejoining || n.stopping) return;
    this.rejoining = true;
    try {
      n.logger.warn(`grid member ${n.local.address} leaves its cluster view and joins again: ${reason}`);
      await n.runMergeHooks('before');
      const formerMembers = n.membership.view.members.filter((m) => m.id !== n.local.id);
      const former = formerMembers.map((m) => m.address);
      n.joined = false;
      n.suspects.clear();
      n.installList(0, [n.local], false);
      // Close the former members' connections once what is queued (merge orders) is written, and read
      // nothing more on them: frames a member sent while this one was cut off (a member list, a partition
      // table, a copy) arrive on them after the heal and would be taken as news. Joining dials afresh.
      for (const m of formerMembers) n.peers.retire(m.id, 'this member leaves its cluster view');
      await this.joinCluster(reason, [...preferred, ...former]);
      await n.runMergeHooks('after');
    } finally {
      this.rejoining = false;
    }
  }
}

/** Why a list cannot be genuine: its master is not the sender as proven, our entry is not us, or a member is listed twice. */
function listProblem(from: GridMember, local: GridMember, members: readonly GridMember[]): string | undefined {
  const first = members[0]!;
  if (first.id !== from.id || first.address !== from.address) return `its master ${first.address} (id ${first.id}) is not the sender`;
  const me = members.find((m) => m.id === local.id);
  if (me && me.address !== local.address) return `it lists this member at ${me.address}`;
  if (new Set(members.map((m) => m.id)).size !== members.length || new Set(members.map((m) => m.address)).size !== members.length) {
    return 'it lists a member twice';
  }
  return undefined;
}
