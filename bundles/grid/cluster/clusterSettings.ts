import { type ClusterState, FeatureUnavailableError, type GridMember } from '../api.js';
import { FEATURE_MINOR, PROTOCOL_MAJOR, PROTOCOL_MINOR, type ProtocolFeature, parseProtocolVersion } from '../transport/protocolVersion.js';
import type { ClusterNode } from './clusterNode.js';
import { type ClusterSettings, isAck, isSettingsAnswer, isSettingsChange, isSettingsRequest } from './controlSchemas.js';

export const SettingsService = {
  CHANGE: 'cluster.settings',
  REQUEST: 'cluster.settingsRequest',
} as const;

/** A prepared change blocks migrations and other changes this long when its commit never comes (the master died). */
const PREPARE_LEASE_MS = 10_000;
const PREPARE_TIMEOUT_MS = 5000;

/** The minor of a member's protocol version (its own major is checked by the handshake). */
export function minorOf(member: GridMember): number {
  return parseProtocolVersion(member.version)?.minor ?? 0;
}

function describe(change: { state: ClusterState } | { upgrade: true }): string {
  return 'state' in change ? `state ${change.state}` : 'version upgrade';
}

/**
 * The cluster's state and cluster version, agreed by all members: the master changes them in two
 * phases (prepare on every member, which refuses while it migrates a partition; then commit), as
 * Hazelcast does with a transaction; member lists carry them, so a joiner learns them and a new
 * master continues from them. The cluster version moves up when the last older member is gone.
 */
export class ClusterSettingsKeeper {
  current: ClusterSettings = { e: 0, state: 'ACTIVE', minor: PROTOCOL_MINOR };
  private pending: { s: ClusterSettings; until: number } | undefined;
  private changing = false;
  private readonly listeners: ((s: ClusterSettings) => void)[] = [];
  /** Why this member is migrating a partition right now (undefined: it is not); set by the data layer. */
  migrationCheck: () => string | undefined = () => undefined;

  constructor(private readonly node: ClusterNode, private readonly autoUpgrade: boolean) {}

  get state(): ClusterState {
    return this.current.state;
  }

  get clusterVersion(): string {
    return `${PROTOCOL_MAJOR}.${this.current.minor}`;
  }

  /** Whether the cluster version has a wire feature, so every member understands it. */
  supports(feature: ProtocolFeature): boolean {
    return this.current.minor >= FEATURE_MINOR[feature];
  }

  /** Throws, naming `what` and the versions, while the cluster version lacks `feature`. */
  require(feature: ProtocolFeature, what: string): void {
    if (this.supports(feature)) return;
    throw new FeatureUnavailableError(`${what} needs cluster version ${PROTOCOL_MAJOR}.${FEATURE_MINOR[feature]}; the cluster runs at ${this.clusterVersion} while a member of an older build is present (oxk stats -c lists the members' versions)`);
  }

  /** ACTIVE and no change prepared: partitions may migrate. */
  migrationAllowed(): boolean {
    return this.current.state === 'ACTIVE' && !this.changePending();
  }

  /** Backups of lost members may be promoted (not while FROZEN or PASSIVE: the table is kept). */
  promotionAllowed(): boolean {
    return this.current.state === 'ACTIVE' || this.current.state === 'NO_MIGRATION';
  }

  onChange(listener: (s: ClusterSettings) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  install(): void {
    const m = this.node.messaging;
    m.handle(SettingsService.CHANGE, isSettingsChange, (from, p) => this.onChangeMessage(from, p.phase, p.s));
    m.handle(SettingsService.REQUEST, isSettingsRequest, async (_from, p) => {
      try {
        return { ok: await this.coordinate('state' in p ? { state: p.state } : { upgrade: true }) };
      } catch (err) {
        return { refused: (err as Error).message };
      }
    });
  }

  /** Takes newer settings; `force`: the master's, from its member list (also when joining), whatever their number. */
  adopt(s: ClusterSettings, force: boolean): void {
    if (!force && s.e <= this.current.e) return;
    const prev = this.current;
    this.current = s;
    const n = this.node;
    if (prev.state !== s.state) n.logger.warn(`grid cluster state ${prev.state} -> ${s.state} (member ${n.local.address})`);
    if (prev.minor !== s.minor) n.logger.warn(`grid cluster version ${PROTOCOL_MAJOR}.${prev.minor} -> ${PROTOCOL_MAJOR}.${s.minor} (member ${n.local.address} speaks ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR})`);
    if (prev.state !== s.state || prev.minor !== s.minor) for (const l of this.listeners) l(s);
  }

  /** Master: why `member` may not join now, or undefined. */
  admission(member: GridMember): string | undefined {
    const v = parseProtocolVersion(member.version);
    const ours = `cluster version ${this.clusterVersion}`;
    if (!v || v.major !== PROTOCOL_MAJOR) return `member ${member.address} speaks grid protocol ${member.version}, the ${ours} (another major never joins)`;
    if (v.minor < this.current.minor) return `member ${member.address} speaks grid protocol ${member.version}, below the ${ours}`;
    const s = this.current;
    if ((s.state === 'FROZEN' || s.state === 'PASSIVE') && !(s.known ?? []).includes(member.address)) {
      return `the cluster is in state ${s.state}: only returning members join, and ${member.address} (grid protocol ${member.version}) was not a member when the state was set; retry after oxk cluster state ACTIVE`;
    }
    return undefined;
  }

  /** Master, before publishing a list: moves the cluster version up when auto-upgrade is on and the last older member is gone. */
  forList(members: readonly GridMember[]): ClusterSettings {
    const lowest = Math.min(...members.map(minorOf));
    if (this.autoUpgrade && lowest > this.current.minor) {
      this.node.logger.warn(`grid: the last member at ${this.clusterVersion} is gone; the cluster version moves up to ${PROTOCOL_MAJOR}.${lowest}`);
      this.adopt({ ...this.current, e: this.current.e + 1, minor: lowest }, true);
    }
    return this.current;
  }

  /** Any member: a state change or the version upgrade, run by the master; resolves with the resulting settings. */
  async request(change: { state: ClusterState } | { upgrade: true }): Promise<ClusterSettings> {
    const n = this.node;
    if (!n.joined) throw new Error(`member ${n.local.address} has not joined a cluster; cannot change the cluster settings`);
    if (n.isMaster()) return this.coordinate(change);
    const master = n.membership.master;
    const answer = await n.messaging.request(master, SettingsService.REQUEST, change, isSettingsAnswer, 3 * PREPARE_TIMEOUT_MS);
    if ('refused' in answer) throw new Error(answer.refused);
    this.adopt(answer.ok, false);
    return answer.ok;
  }

  private async coordinate(change: { state: ClusterState } | { upgrade: true }): Promise<ClusterSettings> {
    const n = this.node;
    if (!n.isMaster()) throw new Error(`member ${n.local.address} is not the master; retry (the master changed)`);
    const cur = this.current;
    const members = n.membership.view.members;
    let next: ClusterSettings;
    if ('upgrade' in change) {
      const lowest = Math.min(...members.map(minorOf));
      if (lowest <= cur.minor) {
        const older = members.filter((m) => minorOf(m) === lowest).map((m) => `${m.address} (${m.version})`);
        throw new Error(`the cluster version stays ${this.clusterVersion}: the lowest protocol among the members is ${PROTOCOL_MAJOR}.${lowest} (${older.join(', ')})`);
      }
      next = { e: cur.e + 1, state: cur.state, minor: lowest, ...(cur.known ? { known: cur.known } : {}) };
    } else {
      if (change.state === cur.state) return cur;
      const keep = change.state === 'FROZEN' || change.state === 'PASSIVE';
      next = { e: cur.e + 1, state: change.state, minor: cur.minor, ...(keep ? { known: members.map((m) => m.address) } : {}) };
    }
    if (this.changing || this.changePending()) throw new Error(`another cluster settings change is in progress on master ${n.local.address}; retry in a few seconds`);
    // The master plans the migrations: refuse at once while it has some, before asking anyone.
    const migrating = this.migrationCheck();
    if (migrating) throw new Error(`the cluster ${describe(change)} was refused: a migration runs on master ${n.local.address} (${migrating}); it stays ${cur.state}; retry once the cluster is safe (oxk stats -c)`);
    this.changing = true;
    try {
      const others = members.filter((m) => m.id !== n.local.id);
      const results = await Promise.allSettled([
        Promise.resolve().then(() => this.onChangeMessage(n.local, 'prepare', next)),
        ...others.map((m) => n.messaging.request(m, SettingsService.CHANGE, { phase: 'prepare', s: next }, isAck, PREPARE_TIMEOUT_MS)),
      ]);
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${i === 0 ? n.local.address : others[i - 1]!.address}: ${(r.reason as Error).message}`] : []));
      const phase = failed.length > 0 ? 'abort' : 'commit';
      for (const m of others) n.messaging.send(m, SettingsService.CHANGE, { phase, s: next });
      this.onChangeMessage(n.local, phase, next);
      if (failed.length > 0) {
        throw new Error(`the cluster ${describe(change)} was refused (${failed.join('; ')}); it stays ${cur.state} at ${this.clusterVersion}; retry once no migration runs (oxk stats -c shows cluster safe)`);
      }
      n.logger.info(`grid: master ${n.local.address} changed the cluster settings on ${members.length} members: state ${next.state}, cluster version ${PROTOCOL_MAJOR}.${next.minor}`);
      return next;
    } finally {
      this.changing = false;
    }
  }

  private onChangeMessage(from: GridMember, phase: 'prepare' | 'commit' | 'abort', s: ClusterSettings): true {
    const n = this.node;
    if (from.id !== n.local.id && from.id !== n.membership.master.id) throw new Error(`member ${from.address} is not the master of ${n.local.address}`);
    if (phase === 'prepare') {
      if (s.e <= this.current.e) throw new Error(`settings ${s.e} are not newer than ${this.current.e} on ${n.local.address}`);
      if (this.changePending() && this.pending!.s.e !== s.e) throw new Error(`another change is prepared on ${n.local.address}`);
      const migrating = this.migrationCheck();
      if (migrating) throw new Error(`a migration runs on ${n.local.address} (${migrating})`);
      this.pending = { s, until: Date.now() + PREPARE_LEASE_MS };
    } else {
      if (this.pending?.s.e === s.e) this.pending = undefined;
      if (phase === 'commit') this.adopt(s, false);
      // A change that was prepared and aborted paused migrations: let the data layer resume them.
      else for (const l of this.listeners) l(this.current);
    }
    return true;
  }

  private changePending(): boolean {
    return this.pending !== undefined && this.pending.until > Date.now();
  }
}
