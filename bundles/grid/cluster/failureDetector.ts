import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Membership } from './membership.js';
import type { Peers } from './peers.js';

/** Frames a member reads this long after it resumed were sent after it resumed, not queued during the freeze. */
const RESUMED_FRAMES_MS = 100;

export interface FailureDetectorOptions {
  heartbeatIntervalMs: number;
  maxNoHeartbeatMs: number;
}

/**
 * Heartbeats and silence: every member sends a heartbeat to every other member each interval; a
 * member from which nothing arrived for `maxNoHeartbeatMs` is reported through `onSilent`.
 * (Clock skew is measured by `ClockProbe`: a heartbeat's time stamp says nothing after a pause.)
 */
export class FailureDetector {
  private readonly lastHeard = new Map<string, number>();
  private readonly silentReported = new Set<string>();
  private lastCheck: number;
  /** When this member noticed it had been frozen long enough to be removed; 0 when it did not, or has heard since. */
  private fencedAt = 0;
  private fencedVersion = 0;
  /** The last check before the freeze that was fenced: one freeze fences once, however often it is looked at. */
  private fencedStall = -1;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: FailureDetectorOptions,
    private readonly membership: Membership,
    private readonly peers: Peers,
    private readonly logger: Logger,
    private readonly sendHeartbeat: (to: GridMember) => void,
    private readonly onSilent: (member: GridMember, silentMs: number) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastCheck = clock();
  }

  /** Applies new timings on a running member (`oxk config set`): the next heartbeat and silence check use them. */
  setTimings(timings: FailureDetectorOptions): void {
    this.options.heartbeatIntervalMs = timings.heartbeatIntervalMs;
    this.options.maxNoHeartbeatMs = timings.maxNoHeartbeatMs;
    if (this.heartbeatTimer === undefined) return;
    this.stop();
    this.start();
  }

  start(): void {
    this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.checkTimer = setInterval(() => this.check(), Math.max(50, Math.min(250, this.options.heartbeatIntervalMs / 4)));
    this.heartbeatTimer.unref();
    this.checkTimer.unref();
  }

  stop(): void {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.checkTimer);
  }

  /** Counts as a sign of life, e.g. a member just joined or a reconnect succeeded. */
  heard(id: string): void {
    this.lastHeard.set(id, this.clock());
    this.silentReported.delete(id);
  }

  forget(id: string): void {
    this.lastHeard.delete(id);
    this.silentReported.delete(id);
  }

  /** How long `id` has sent nothing (no heartbeat, no frame); 0 when nothing is known of it yet. */
  silence(id: string): number {
    const heard = Math.max(this.lastHeard.get(id) ?? 0, this.peers.get(id)?.lastReceived ?? 0);
    return heard === 0 ? 0 : this.clock() - heard;
  }

  /**
   * True while this member must not act as a partition owner: it was frozen (SIGSTOP, swap, a blocked
   * loop) long enough for the others to remove it, and it does not know yet whether they did. It checks
   * the clock itself, since the requests queued during the freeze are handled before any timer runs.
   * It ends once the member list changes (the member was removed and joins again) or frames arrive
   * from the master (from any member, on the master) sent after the freeze: those say it still belongs.
   */
  ownershipFenced(): boolean {
    const now = this.clock();
    if (now - this.lastCheck > this.options.maxNoHeartbeatMs / 2) this.fence(now);
    if (this.fencedAt === 0) return false;
    const { members, version } = this.membership.view;
    const me = this.membership.local.id;
    const sources = members[0]!.id === me ? members.filter((m) => m.id !== me) : [members[0]!];
    const heardSince = sources.some((m) => (this.peers.get(m.id)?.lastReceived ?? 0) > this.fencedAt + RESUMED_FRAMES_MS);
    if (version !== this.fencedVersion || sources.length === 0 || heardSince) this.fencedAt = 0;
    return this.fencedAt !== 0;
  }

  private fence(now: number): void {
    if (this.fencedStall === this.lastCheck) return;
    this.fencedStall = this.lastCheck;
    this.fencedAt = now;
    this.fencedVersion = this.membership.view.version;
  }

  private beat(): void {
    for (const m of this.membership.view.members) {
      if (m.id !== this.membership.local.id) this.sendHeartbeat(m);
    }
  }

  private check(): void {
    const now = this.clock();
    const stalled = now - this.lastCheck > this.options.maxNoHeartbeatMs / 2;
    if (stalled) this.fence(now);
    this.lastCheck = now;
    if (stalled) {
      // This process itself was frozen (SIGSTOP, swap): the others' frames may be unread, not missing.
      this.logger.warn(`grid: this member ${this.membership.local.address} was unresponsive for a while; giving the others a fresh heartbeat deadline`);
      for (const m of this.membership.view.members) this.lastHeard.set(m.id, now);
      return;
    }
    for (const m of this.membership.view.members) {
      if (m.id === this.membership.local.id) continue;
      const conn = this.peers.get(m.id);
      const heard = Math.max(this.lastHeard.get(m.id) ?? now, conn?.lastReceived ?? 0);
      if (!this.lastHeard.has(m.id)) this.lastHeard.set(m.id, now);
      const silent = now - heard;
      if (silent <= this.options.maxNoHeartbeatMs) {
        this.silentReported.delete(m.id);
        continue;
      }
      if (this.silentReported.has(m.id)) continue;
      this.silentReported.add(m.id);
      this.onSilent(m, silent);
    }
  }
}
