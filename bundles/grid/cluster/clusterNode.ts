import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { ClusterState, GridMember, MembershipListener } from '../api.js';
import type { ClusterSpi, MembershipChange, MembershipView, MessageHandler } from '../spi/clusterSpi.js';
import type { WireCheck } from '../spi/wireSchema.js';
import type { Discovery } from '../join/discovery.js';
import type { ClusterStatus } from '../transport/handshake.js';
import { CODEBASE_VERSION, effectiveClusterName, type ProtocolFeature, PROTOCOL_VERSION } from '../transport/protocolVersion.js';
import { ClusterSettingsKeeper } from './clusterSettings.js';
import { Transport } from '../transport/transport.js';
import { ClockProbe } from './clockProbe.js';
import { clockSkewSettings } from './clockSkew.js';
import { FailureDetector } from './failureDetector.js';
import { VitalsBook } from './memberVitals.js';
import { MasterConfirmations } from './masterConfirmations.js';
import { Membership } from './membership.js';
import { Messaging } from './messaging.js';
import { type ClusterNodeOptions, transportOptions } from './options.js';
import { Peers } from './peers.js';
import { Prober } from './prober.js';
import { JoinProcess } from './joinProcess.js';
import { MasterDuties } from './masterDuties.js';
import { createDiscovery } from '../join/createDiscovery.js';
import { ConnectionEvents } from './connectionEvents.js';
import { ControlService, heartbeatFor, installControlHandlers } from './controlHandlers.js';
import { isAck } from './controlSchemas.js';
import { ViewSync } from './viewSync.js';
import { DEFAULT_GROUP_PASSWORD } from '../config.js';

type MergeHooks = { before(): Promise<void> | void; after(): Promise<void> | void };

/**
 * A member of the grid: transport, handshake, join, membership, failure detection and split-brain
 * merge. Runs without the kernel (options + a winston logger) and implements the data layer's SPI.
 */
export class ClusterNode implements ClusterSpi {
  readonly clusterName: string;
  /** Set by `start` once the listener's address is known. */
  local!: GridMember;
  membership!: Membership;
  readonly transport: Transport;
  readonly peers: Peers;
  readonly messaging: Messaging;
  detector!: FailureDetector;
  clock!: ClockProbe;
  discovery!: Discovery;
  prober!: Prober;
  join!: JoinProcess;
  master!: MasterDuties;
  viewSync!: ViewSync;
  confirmations!: MasterConfirmations;
  private readonly connections = new ConnectionEvents(this);
  /** The cluster state and cluster version, agreed cluster-wide. */
  readonly settings: ClusterSettingsKeeper;
  /** Memory and heartbeat age of every member, for the Member MBeans. */
  readonly vitals = new VitalsBook();
  readonly ownershipFenced = (): boolean => this.detector?.ownershipFenced() ?? false;
  joined = false;
  stopping = false;
  /** Members this member found dead (reconnect failed, silent): id → why. */
  readonly suspects = new Map<string, string>();
  private readonly mergeHooks: MergeHooks[] = [];
  private readonly beforeLeaveHooks: (() => Promise<void>)[] = [];
  private stopped: Promise<void> | undefined;
  private readonly id = randomUUID();

  constructor(readonly options: ClusterNodeOptions, readonly logger: Logger) {
    this.clusterName = effectiveClusterName(options.groupName);
    this.settings = new ClusterSettingsKeeper(this, options.clusterVersionAutoUpgrade ?? true);
    this.transport = new Transport(transportOptions(options), {
      clusterName: this.clusterName,
      password: options.password,
      member: () => this.local,
      status: () => this.status(),
    }, logger);
    this.peers = new Peers(this.id, this.transport, logger);
    this.messaging = new Messaging(this.peers, options.requestTimeoutMs, logger);
  }

  /** New heartbeat timings on the running member (reloadable `hazelcast.heartbeat.interval.seconds`, `hazelcast.max.no.heartbeat.seconds`). */
  setHeartbeatTimings(timings: { heartbeatIntervalMs: number; maxNoHeartbeatMs: number }): void {
    this.options.heartbeatIntervalMs = timings.heartbeatIntervalMs;
    this.options.maxNoHeartbeatMs = timings.maxNoHeartbeatMs;
    this.detector?.setTimings(timings);
  }

  /**
   * Binds, joins (or forms) a cluster, and starts failure detection; resolves once joined.
   * `beforeJoin` runs once this member's address is known and before any peer can reach it: the
   * place to register message handlers, so no message of the join is lost.
   */
  async start(beforeJoin?: () => void): Promise<void> {
    const address = await this.transport.listen((conn, result) => this.connections.inbound(conn, result));
    const o = this.options;
    this.local = Object.freeze({
      id: this.id, address, route: o.route, version: PROTOCOL_VERSION, codebase: CODEBASE_VERSION, lite: o.lite, dataMember: o.dataMember ?? !o.lite,
    });
    this.membership = new Membership(this.local, this.logger);
    this.detector = new FailureDetector(
      { heartbeatIntervalMs: o.heartbeatIntervalMs, maxNoHeartbeatMs: o.maxNoHeartbeatMs },
      this.membership, this.peers, this.logger,
      (to) => this.messaging.send(to, ControlService.HEARTBEAT, heartbeatFor(this, to)),
      (member, silentMs) => this.suspect(member, `no heartbeat for ${silentMs} ms`),
    );
    this.discovery = createDiscovery(o, address, this.id, this.clusterName, () => this.joined && this.isMaster(), this.logger);
    this.prober = new Prober(this.transport, this.id, this.logger, (conn, result) => this.connections.adopt(conn, result));
    this.join = new JoinProcess(this);
    this.master = new MasterDuties(this);
    this.viewSync = new ViewSync(this);
    this.confirmations = new MasterConfirmations(() => this.membership, Math.min(o.maxNoHeartbeatMs, 3 * o.heartbeatIntervalMs));
    this.connections.install();
    installControlHandlers(this);
    this.settings.install();
    this.clock = new ClockProbe(o.heartbeatIntervalMs, clockSkewSettings(o.clockSkewThresholdMs, o.heartbeatIntervalMs), this.membership, this.messaging, this.logger);
    this.clock.install();
    if (o.password === DEFAULT_GROUP_PASSWORD) {
      this.logger.warn(`grid: the default group password is in use; set com.openexchange.hazelcast.group.password on every member`);
    }
    this.logger.info(`grid member ${address} (id ${this.id}) starting: cluster "${this.clusterName}", grid protocol ${PROTOCOL_VERSION}, codebase ${CODEBASE_VERSION}, join ${o.join}${o.lite ? ', lite member' : ''}${o.tls ? ', TLS' : ''}`);
    this.logger.debug(`grid group key derived in ${Math.round(this.transport.keyDerivationMs)} ms (scrypt)`);
    beforeJoin?.();
    await this.discovery.start();
    await this.join.joinCluster('start-up');
    this.detector.start();
    this.clock.start();
    this.master.start();
  }

  /** Runs the before-leave hooks (the member still serves meanwhile), announces the leave and closes everything. */
  stop(): Promise<void> {
    this.stopped ??= this.leave();
    return this.stopped;
  }

  private async leave(): Promise<void> {
    for (const hook of this.beforeLeaveHooks) {
      await hook().catch((err: Error) => this.logger.warn(`grid before-leave hook failed: ${err.message}`));
    }
    this.stopping = true;
    const others = this.membership?.view.members.filter((m) => m.id !== this.id) ?? [];
    if (this.joined && others.length > 0) {
      this.logger.info(`grid member ${this.local.address} leaves the cluster (${others.length} other member(s))`);
      await Promise.allSettled(others.map((m) => this.messaging.request(m, ControlService.LEAVE, null, isAck, 2000)));
    }
    this.master?.stop();
    this.detector?.stop();
    this.clock?.stop();
    this.discovery?.stop();
    this.messaging.close();
    this.transport.close();
  }

  // ---- ClusterSpi ----

  view(): MembershipView {
    return this.membership.view;
  }

  /** False while joining (at start-up or after being removed): the member is nobody's master then. */
  isMaster(): boolean {
    return this.joined && this.membership.isMaster();
  }

  onMembershipChange(listener: (change: MembershipChange) => void): () => void {
    return this.membership.onChange(listener);
  }

  onConnectionLost(listener: (memberId: string) => void): () => void {
    return this.connections.onLost(listener);
  }

  onMembership(listener: MembershipListener): () => void {
    return this.membership.onMembership(listener);
  }

  send(memberId: string, service: string, payload: unknown): void {
    if (memberId === this.id) {
      const handler = this.messaging.handler(service);
      if (handler) {
        Promise.resolve()
          .then(() => handler(this.local, payload))
          .catch((err: Error) => this.logger.warn(`grid handler "${service}" failed locally: ${err.message}`));
      }
      return;
    }
    const member = this.membership.member(memberId);
    if (member) this.messaging.send(member, service, payload);
  }

  request<R>(memberId: string, service: string, payload: unknown, answer: WireCheck<R>, timeoutMs?: number): Promise<R> {
    if (memberId === this.id) {
      const handler = this.messaging.handler(service);
      if (!handler) return Promise.reject(new Error(`no handler for service "${service}" on ${this.local.address}`));
      return Promise.resolve().then(() => handler(this.local, payload) as R);
    }
    const member = this.membership.member(memberId);
    if (!member) return Promise.reject(new Error(`member ${memberId} is not in the cluster (request "${service}" from ${this.local.address})`));
    return this.messaging.request(member, service, payload, answer, timeoutMs);
  }

  handle<T>(service: string, check: WireCheck<T>, handler: MessageHandler<T>): void {
    this.messaging.handle(service, check, handler);
  }

  clusterState(): ClusterState {
    return this.settings.state;
  }

  requireFeature(feature: ProtocolFeature, what: string): void {
    this.settings.require(feature, what);
  }

  onClusterState(listener: (state: ClusterState) => void): () => void {
    return this.settings.onChange((s) => listener(s.state));
  }

  migrationAllowed(): boolean {
    return this.settings.migrationAllowed();
  }

  promotionAllowed(): boolean {
    return this.settings.promotionAllowed();
  }

  setMigrationCheck(check: () => string | undefined): void {
    this.settings.migrationCheck = check;
  }

  onMerge(hooks: MergeHooks): void {
    this.mergeHooks.push(hooks);
  }

  onBeforeLeave(hook: () => Promise<void>): void {
    this.beforeLeaveHooks.push(hook);
  }

  // ---- internals shared with JoinProcess and MasterDuties ----

  status(): ClusterStatus {
    const view = this.membership?.view;
    const master = view?.members[0] ?? this.local;
    return {
      joined: this.joined,
      masterId: master?.id ?? this.id,
      masterAddress: master?.address ?? this.transport.address,
      viewVersion: view?.version ?? 0,
      memberIds: view ? view.members.map((m) => m.id) : [this.id],
      clusterMinor: this.settings.current.minor,
    };
  }

  async runMergeHooks(phase: 'before' | 'after'): Promise<void> {
    for (const h of this.mergeHooks) {
      try {
        await h[phase]();
      } catch (err) {
        this.logger.error(`grid merge hook (${phase}) failed: ${(err as Error).message}`);
      }
    }
  }

  /** Installs a list published by a master and cleans up after the members it removed. */
  installList(version: number, members: readonly GridMember[], dropRemoved = true): MembershipChange {
    const change = this.membership.install(version, members);
    for (const m of change.added) {
      this.detector.heard(m.id);
      this.vitals.added(m.id);
    }
    for (const m of change.removed) {
      this.vitals.forget(m.id);
      this.suspects.delete(m.id);
      this.detector.forget(m.id);
      this.viewSync.forget(m.id);
      this.confirmations.forget(m.id);
      this.messaging.failCalls(m.id, `member ${m.address} is no longer in this member's cluster`);
      if (dropRemoved) this.peers.drop(m.id, 'removed from the cluster');
    }
    for (const m of members) {
      if (m.id !== this.id && !this.peers.get(m.id) && this.local.address < m.address) {
        this.peers.connection(m).catch((err: Error) => this.logger.debug(`grid: connecting to ${m.address} failed: ${err.message}`));
      }
    }
    return change;
  }

  /** This member found `member` dead: the master removes it, others tell the master (or take over). */
  suspect(member: GridMember, reason: string): void {
    if (this.stopping || !this.joined || !this.membership.has(member.id) || member.id === this.id) return;
    if (!this.suspects.has(member.id)) this.logger.warn(`grid: member ${member.address} is suspected: ${reason}`);
    this.suspects.set(member.id, reason);
    if (this.isMaster()) {
      this.master.remove([member.id], reason);
      return;
    }
    const master = this.membership.master;
    if (this.suspects.has(master.id) || this.membership.hasLeft(master.id)) this.master.maybeTakeOver();
    else this.messaging.send(master, ControlService.SUSPECT, { id: member.id, reason });
  }
}
