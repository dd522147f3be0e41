import type { GridMember } from '../api.js';
import type { Checked } from '../spi/wireSchema.js';
import type { ClusterNode } from './clusterNode.js';
import { ControlService } from './controlHandlers.js';
import { isAck, type isSuspicion } from './controlSchemas.js';
import { RateLimitedLog } from './violationLog.js';
import { PROTOCOL_MAJOR } from '../transport/protocolVersion.js';

type Suspicion = Checked<typeof isSuspicion>;
import { type ProbeResult, sighting, wins } from './prober.js';

/**
 * What the master does: admit joiners, confirm suspicions and remove members, publish the versioned
 * member list, and look for lone members and other clusters of the same name (split brain) through
 * the join mechanism. The successor of a dead master takes over from here too.
 */
export class MasterDuties {
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly earlyProbes: NodeJS.Timeout[] = [];
  private mergeTimer: NodeJS.Timeout | undefined;
  private mergeDue = false;
  private probing = false;
  private confirmTimer: NodeJS.Timeout | undefined;
  private lastConfirmCheck = 0;
  private masterAtLastCheck = false;
  private readonly refusals: RateLimitedLog;

  constructor(private readonly node: ClusterNode) {
    this.refusals = new RateLimitedLog(node.logger);
  }

  start(): void {
    const o = this.node.options;
    this.probeTimer = setInterval(() => void this.probeRound(), o.probeIntervalMs);
    this.probeTimer.unref();
    // Members started at the same moment may each have formed a cluster alone: look again soon.
    for (const ms of [200, 600, 1500]) {
      if (ms < o.probeIntervalMs) this.earlyProbes.push(setTimeout(() => void this.probeRound(), ms).unref());
    }
    const mergeRun = () => {
      this.mergeDue = true;
      void this.probeRound();
    };
    this.mergeTimer = setTimeout(() => {
      mergeRun();
      this.mergeTimer = setInterval(mergeRun, o.mergeRunDelayMs);
      this.mergeTimer.unref();
    }, o.mergeFirstRunDelayMs);
    this.mergeTimer.unref();
    this.confirmTimer = setInterval(() => this.removeUnconfirmed(), Math.max(100, o.heartbeatIntervalMs / 2));
    this.confirmTimer.unref();
  }

  stop(): void {
    clearInterval(this.confirmTimer);
    clearInterval(this.probeTimer);
    for (const t of this.earlyProbes) clearTimeout(t);
    clearTimeout(this.mergeTimer);
    clearInterval(this.mergeTimer);
  }

  publish(members: GridMember[], version: number): void {
    const n = this.node;
    n.installList(version, members);
    const s = n.settings.forList(members);
    for (const m of members) if (m.id !== n.local.id) n.messaging.send(m, ControlService.LIST, { v: version, members, s });
  }

  /** The current list to one member (a joiner, or a member whose view differs): marked as a re-sync. */
  sendList(to: GridMember): void {
    const n = this.node;
    if (!n.joined || !n.isMaster()) return;
    const view = n.membership.view;
    n.messaging.send(to, ControlService.LIST, { v: view.version, members: view.members, sync: true, s: n.settings.current });
  }

  /**
   * A member that has not confirmed this master for as long as a silent member is suspected follows
   * another master (a bridge member both sides' masters list): it is removed, as Hazelcast's master
   * removes a member that does not answer its heartbeats. Anything else it sends (answers, copies)
   * would keep it alive for the failure detector, and a master that lists a member which does not
   * confirm it never decides a merge.
   */
  private removeUnconfirmed(): void {
    const n = this.node;
    const now = Date.now();
    const limit = n.options.maxNoHeartbeatMs;
    const frozen = this.lastConfirmCheck > 0 && now - this.lastConfirmCheck > limit / 2;
    this.lastConfirmCheck = now;
    const master = n.joined && n.isMaster() && !n.stopping;
    // Newly master, or this process was frozen itself (its inbox is unread, not empty): fresh deadlines.
    if (!master || !this.masterAtLastCheck || frozen) n.confirmations.restartDeadlines();
    this.masterAtLastCheck = master;
    if (!master) return;
    for (const id of n.confirmations.overdue(limit)) {
      // A silent member is the failure detector's, which suspects it naming the silence; this is for
      // members that keep talking (answers, probes) but follow another master.
      if (n.detector.silence(id) > limit / 2) continue;
      const member = n.membership.member(id);
      if (member) n.suspect(member, `it has not confirmed this member as its master for ${limit} ms (it follows another master)`);
    }
  }

  remove(ids: string[], reason: string): void {
    const n = this.node;
    if (!n.isMaster()) return;
    const view = n.membership.view;
    const gone = view.members.filter((m) => ids.includes(m.id) && m.id !== n.local.id);
    if (gone.length === 0) return;
    for (const m of gone) {
      const left = n.membership.hasLeft(m.id);
      n.logger[left ? 'info' : 'warn'](`grid: member ${m.address} removed from the cluster: ${left ? 'it left' : reason} (member list version ${view.version + 1}, ${view.members.length - gone.length} members)`);
    }
    this.publish(view.members.filter((m) => !gone.includes(m)), view.version + 1);
  }

  handleJoin(from: GridMember, member: GridMember): { ok?: boolean; redirect?: string; refused?: string } {
    const n = this.node;
    if (!n.joined || !n.isMaster()) return { redirect: n.joined ? n.membership.master.address : '' };
    if (member.id !== from.id) return {};
    const view = n.membership.view;
    n.confirmations.joined(member.id);
    if (n.membership.has(member.id)) {
      this.sendList(from);
      return { ok: true };
    }
    const refused = n.settings.admission(member);
    if (refused) {
      this.refusals.warn(member.address, `grid: join of member ${member.address} refused: ${refused}`);
      return { refused };
    }
    // A new process at a known address: the old one is gone even if we have not noticed yet.
    const stale = view.members.filter((m) => m.address === member.address && m.id !== n.local.id);
    for (const m of stale) n.logger.warn(`grid: member ${m.address} (id ${m.id}) replaced by a new process at the same address`);
    const members = [...view.members.filter((m) => !stale.includes(m)), member];
    n.logger.info(`grid: member ${member.address} (route ${member.route}${member.lite ? ', lite' : ''}) joined (member list version ${view.version + 1}, ${members.length} members)`);
    this.publish(members, view.version + 1);
    return { ok: true };
  }

  /** Another member suspects `id`: the master confirms (reconnect or ping) before removing it. */
  handleSuspect(from: GridMember, report: Suspicion): void {
    const n = this.node;
    if (!n.joined || !n.isMaster()) return;
    const target = n.membership.member(report.id);
    if (!target || target.id === n.local.id) return;
    const confirm = (why: string) => n.suspect(target, `${report.reason} (reported by ${from.address}; ${why})`);
    const refute = () => n.logger.info(`grid: ${from.address} suspects ${target.address} (${report.reason}), but the master reaches it`);
    if (n.suspects.has(target.id)) return n.master.remove([target.id], n.suspects.get(target.id)!);
    if (!n.peers.get(target.id)) {
      n.peers.connection(target).then(refute, (err: Error) => confirm(`the master cannot reconnect: ${err.message}`));
      return;
    }
    const timeout = Math.max(1000, 2 * n.options.heartbeatIntervalMs);
    n.messaging.request(target, ControlService.PING, null, isAck, timeout).then(refute, (err: Error) => confirm(`no answer to the master's ping: ${err.message}`));
  }

  handleLeave(from: GridMember): boolean {
    const n = this.node;
    if (!n.membership.has(from.id)) return true;
    n.membership.markLeft(from.id);
    n.logger.info(`grid: member ${from.address} announced its leave`);
    if (n.isMaster()) this.remove([from.id], 'left');
    else if (from.id === n.membership.master.id) this.maybeTakeOver();
    return true;
  }

  /** When every older member is gone, this member becomes master and publishes the list without them. */
  maybeTakeOver(): void {
    const n = this.node;
    if (!n.joined || n.isMaster() || n.stopping) return;
    const gone = (m: GridMember) => n.suspects.has(m.id) || n.membership.hasLeft(m.id);
    const older = n.membership.olderThanLocal();
    if (!older.every(gone)) return;
    const view = n.membership.view;
    const members = view.members.filter((m) => !gone(m));
    n.logger.warn(`grid: master ${older[0]!.address} is gone; member ${n.local.address} takes over as master (member list version ${view.version + 1})`);
    for (const m of view.members.filter(gone)) {
      const why = n.membership.hasLeft(m.id) ? 'it left' : n.suspects.get(m.id);
      n.logger.warn(`grid: member ${m.address} removed from the cluster: ${why} (member list version ${view.version + 1}, ${members.length} members)`);
    }
    this.publish(members, view.version + 1);
  }

  async handleMergeCheck(from: GridMember): Promise<void> {
    const n = this.node;
    if (!n.joined || !n.isMaster() || n.join.busy) return;
    const probed = await n.prober.probe(from.address);
    if (probed && probed.status.joined && probed.status.masterId === from.id) this.consider(probed, true);
  }

  private async probeRound(): Promise<void> {
    const n = this.node;
    if (this.probing || !n.joined || !n.isMaster() || n.stopping || n.join.busy) return;
    // FROZEN and PASSIVE keep the membership: no split-brain merge either way (as Hazelcast).
    if (!n.settings.promotionAllowed()) return;
    this.probing = true;
    const due = this.mergeDue;
    try {
      const view = n.membership.view;
      const known = new Set(view.members.map((m) => m.address));
      const ids = new Set(view.members.map((m) => m.id));
      const candidates = n.discovery.candidates().filter((a) => !known.has(a));
      if (candidates.length === 0) return;
      const results = await n.prober.probeAll(candidates);
      const foreign = results.filter((r) => r.status.joined && !ids.has(r.peer.id) && !ids.has(r.status.masterId));
      if (foreign.length === 0) return;
      const best = foreign.reduce((a, b) => (wins(sighting(b.status), sighting(a.status)) ? b : a));
      this.consider(best, due);
    } finally {
      if (due) this.mergeDue = false;
      this.probing = false;
    }
  }

  /**
   * Another cluster with our name and password: the smaller one merges into the larger. Sizes count
   * only members that confirm their master: ours must all confirm us (else nothing is decided yet),
   * and a member of the found list that confirms us is not theirs. So a master frozen past its
   * removal, whose list still names our members, is a cluster of one and merges into ours.
   */
  private consider(found: ProbeResult, mergeRun: boolean): void {
    const n = this.node;
    const mine = n.membership.view.members.length;
    const theirs = found.status.memberIds.filter((id) => !n.confirmations.confirms(id)).length;
    // Lone members join at once; two real clusters merge only on a merge run.
    if (!mergeRun && mine > 1 && theirs > 1) return;
    const target = found.status.masterAddress;
    if (n.join.refusedRecently(target)) return;
    // Clusters at different cluster versions stay apart (a merge would take the upgraded one back, or be refused).
    if (found.status.clusterMinor !== undefined && found.status.clusterMinor !== n.settings.current.minor) {
      this.refusals.warn(`version ${target}`, `grid: found another cluster "${n.clusterName}" (master ${target}) at cluster version ${PROTOCOL_MAJOR}.${found.status.clusterMinor}; this one runs at ${n.settings.clusterVersion}: they do not merge`);
      return;
    }
    const unconfirmed = n.confirmations.unconfirmed();
    if (unconfirmed.length > 0) {
      n.logger.debug(`grid: found another cluster "${n.clusterName}" (master ${target}); no merge decision while ${unconfirmed.join(', ')} of this member's list do not confirm it as their master`);
      return;
    }
    const us = { masterId: n.local.id, masterAddress: n.local.address, size: mine };
    const them = { ...sighting(found.status), size: theirs };
    if (wins(us, them)) {
      n.logger.info(`grid: found another cluster "${n.clusterName}" of ${theirs} member(s) (master ${target}); it merges into this one of ${mine}`);
      void n.prober.probe(target).then((p) => {
        if (p) n.messaging.send(p.peer, ControlService.MERGE_CHECK, null);
      });
      return;
    }
    void this.mergeInto(found, theirs, mine);
  }

  /**
   * The smaller side's part, only once this member reaches the other master itself: through a bridge
   * (a member that sees both sides) the found cluster's master can be out of reach, and a merge begun
   * then leaves this cluster for clusters of one; the next merge run tries again.
   */
  private async mergeInto(found: ProbeResult, theirs: number, mine: number): Promise<void> {
    const n = this.node;
    const target = found.status.masterAddress;
    const reached = found.peer.id === found.status.masterId || (await n.prober.probe(target))?.peer.id === found.status.masterId;
    if (!reached) {
      this.refusals.warn(`unreachable ${target}`, `grid split brain: found cluster "${n.clusterName}" of ${theirs} member(s) through ${found.peer.address}, but its master ${target} cannot be reached from ${n.local.address}; this cluster of ${mine} stays as it is until it can`);
      return;
    }
    if (!n.joined || !n.isMaster() || n.join.busy || n.stopping) return;
    n.logger.warn(`grid split brain: found cluster "${n.clusterName}" of ${theirs} member(s) (master ${target}); this cluster of ${mine} merges into it`);
    for (const m of n.membership.view.members) if (m.id !== n.local.id) n.messaging.send(m, ControlService.MERGE, { target });
    void n.join.rejoin(`split-brain merge into the cluster of master ${target}`, [target]);
  }
}
