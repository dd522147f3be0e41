import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import { LEGACY_VERSION } from './frame.js';
import type { LegacyIdentity, LegacyMember, LegacyStatus } from './handshake.js';
import { LegacyPeers } from './peers.js';

/** 0.1.0's control services (its `ControlService`) and its partition service. */
export const LegacyService = {
  JOIN: 'cluster.join',
  LIST: 'cluster.list',
  HEARTBEAT: 'cluster.heartbeat',
  LEAVE: 'cluster.leave',
  PING: 'cluster.ping',
  NOT_MEMBER: 'cluster.notMember',
  PARTITION: 'grid.partition',
} as const;

const JOIN_TIMEOUT_MS = 5000;
const HEARTBEAT_MS = 1000;
const REJOIN_RETRY_MS = 1000;

export interface LiteMemberOptions {
  groupName: string;
  password: string;
  /** Legacy members to try, in order, at start and after losing the cluster. */
  addresses: string[];
  bindHost: string;
  port: number;
  route: string;
}

/**
 * A data-less (lite) member of a 0.1.0 cluster, as `oxk map --connect` joins one: it asks the master
 * to admit it, follows the member lists and partition tables the master sends, heartbeats every
 * member and answers pings. When the cluster is lost (its members died or removed it) it joins
 * again through any legacy address that answers.
 */
export class LegacyLiteMember {
  readonly clusterName: string;
  readonly peers: LegacyPeers;
  member!: LegacyMember;
  members: LegacyMember[] = [];
  listVersion = 0;
  joined = false;
  /** `replicas[p][0]` owns partition p, as 0.1.0's master last published it. */
  replicas: string[][] = [];
  private tableVersion = -1;
  private readonly id = randomUUID();
  private heartbeat: NodeJS.Timeout | undefined;
  private joining: Promise<void> | undefined;
  private listArrived: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: LiteMemberOptions, private readonly logger: Logger) {
    this.clusterName = `${options.groupName}-${LEGACY_VERSION}`;
    this.peers = new LegacyPeers(() => this.identity(), options.bindHost, logger);
    this.peers.handle(LegacyService.HEARTBEAT, () => undefined);
    this.peers.handle(LegacyService.PING, () => true);
    this.peers.handle(LegacyService.LEAVE, (from) => this.memberGone(from, 'it left'));
    this.peers.handle(LegacyService.LIST, (from, p) => this.acceptList(from, p as { v: number; members: LegacyMember[] }));
    this.peers.handle(LegacyService.NOT_MEMBER, (from) => this.lost(`legacy member ${this.addressOf(from)} says the bridge is no longer in its cluster`));
    this.peers.handle(LegacyService.PARTITION, (from, p) => this.acceptTable(from, p as { t?: string; w?: { v: number; m: string[]; r: number[][] } }));
    this.peers.onLost = (id, reason) => this.memberGone(id, `connection lost (${reason})`);
  }

  /** Listens, then joins through the first legacy address that admits it; rejects when none does. */
  async start(): Promise<void> {
    const address = await this.peers.listen(this.options.port);
    this.member = { id: this.id, address, route: this.options.route, version: LEGACY_VERSION, lite: true, dataMember: false };
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.join();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    if (this.joined) {
      this.logger.info(`legacy bridge leaves cluster "${this.clusterName}" (${this.members.length - 1} legacy member(s))`);
      await Promise.allSettled(this.others().map((m) => this.peers.request(m.id, m.address, LegacyService.LEAVE, null, 2000)));
    }
    this.peers.close();
  }

  others(): LegacyMember[] {
    return this.members.filter((m) => m.id !== this.id);
  }

  addressOf(id: string): string {
    return this.members.find((m) => m.id === id)?.address ?? id;
  }

  /** Joins (once at a time); every address is tried, each failure says why. */
  join(): Promise<void> {
    this.joining ??= this.joinOnce().finally(() => (this.joining = undefined));
    return this.joining;
  }

  private async joinOnce(): Promise<void> {
    const failures: string[] = [];
    const candidates = [...new Set([...this.others().map((m) => m.address), ...this.options.addresses])];
    for (const address of candidates) {
      if (this.stopped) return;
      try {
        await this.joinVia(address);
        this.logger.info(`legacy bridge joined cluster "${this.clusterName}" as a lite member ${this.member.address} through ${address}: ${this.others().length} legacy member(s), master ${this.members[0]!.address}`);
        return;
      } catch (err) {
        failures.push(`${address}: ${(err as Error).message}`);
      }
    }
    throw new Error(`no legacy member of cluster "${this.clusterName}" admitted the bridge (${failures.join('; ')})`);
  }

  private async joinVia(address: string): Promise<void> {
    const probed = await this.peers.connect(address);
    if (!probed.status.joined) throw new Error('it has not joined a cluster yet');
    const master = probed.peer.id === probed.status.masterId ? probed.peer : (await this.peers.connect(probed.status.masterAddress)).peer;
    if (master.id !== probed.status.masterId) throw new Error(`its master ${probed.status.masterAddress} has another id than it says`);
    const arrived = new Promise<void>((resolve) => (this.listArrived = resolve));
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no member list with the bridge within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS).unref());
    try {
      const reply = await this.peers.request<{ ok?: boolean; redirect?: string }>(master.id, master.address, LegacyService.JOIN, { member: this.member }, JOIN_TIMEOUT_MS);
      if (!reply?.ok) throw new Error(`master ${master.address} did not admit the bridge${reply?.redirect ? ` (its master is ${reply.redirect})` : ''}`);
      await Promise.race([arrived, deadline]);
    } finally {
      this.listArrived = undefined;
    }
  }

  private identity(): LegacyIdentity {
    return { clusterName: this.clusterName, password: this.options.password, member: this.member, status: () => this.status() };
  }

  private status(): LegacyStatus {
    const master = this.members[0] ?? this.member;
    return { joined: this.joined, masterId: master.id, masterAddress: master.address, viewVersion: this.listVersion, memberIds: this.members.map((m) => m.id) };
  }

  /** A member list from the master (the oldest member lists itself first). */
  private acceptList(from: string, list: { v: number; members: LegacyMember[] }): void {
    if (!Array.isArray(list?.members) || list.members[0]?.id !== from) return;
    if (this.joined && list.v <= this.listVersion) return;
    if (!list.members.some((m) => m.id === this.id)) {
      if (this.joined) this.lost(`master ${list.members[0]!.address} removed the bridge (member list version ${list.v})`);
      return;
    }
    this.members = list.members;
    this.listVersion = list.v;
    this.joined = true;
    for (const m of this.others()) {
      if (!this.peers.connected(m.id)) this.peers.connect(m.address).catch((err: Error) => this.logger.debug(`legacy bridge: connecting to ${m.address} failed: ${err.message}`));
    }
    this.listArrived?.();
  }

  /** As 0.1.0 takes a table: a newer one, or any from the master (a new master's versions start again). */
  private acceptTable(from: string, msg: { t?: string; w?: { v: number; m: string[]; r: number[][] } }): void {
    if (msg?.t !== 'table' || !msg.w || !Array.isArray(msg.w.r)) return;
    const { v, m, r } = msg.w;
    if (v <= this.tableVersion && from !== this.members[0]?.id) return;
    this.tableVersion = v;
    this.replicas = r.map((list) => list.map((i) => m[i]!));
  }

  private beat(): void {
    if (!this.joined) return;
    const master = this.members[0]!.id;
    for (const m of this.others()) this.peers.send(m.id, LegacyService.HEARTBEAT, { t: Date.now(), v: this.listVersion, m: master, you: true });
  }

  /** A legacy member left or its connection is gone: reconnect once, else wait for the master's next list. */
  private memberGone(id: string, why: string): boolean {
    if (this.stopped || !this.members.some((m) => m.id === id)) return true;
    const address = this.addressOf(id);
    this.peers.connect(address).catch(() => {
      this.logger.warn(`legacy bridge: legacy member ${address} is gone: ${why}`);
      if (this.others().every((m) => m.id === id || !this.peers.connected(m.id))) this.lost(`every legacy member it knew is gone (last: ${address})`);
    });
    return true;
  }

  /** The bridge is no longer in a legacy cluster: join again until one admits it or the bridge stops. */
  private lost(why: string): void {
    if (this.stopped || !this.joined) return;
    this.joined = false;
    // The cluster joined next may be a new one (its members restarted): its lists and tables count from 1 again.
    this.listVersion = 0;
    this.tableVersion = -1;
    this.replicas = [];
    this.logger.warn(`legacy bridge lost cluster "${this.clusterName}": ${why}; joining again`);
    const retry = (): void => {
      if (this.stopped || this.joined) return;
      this.join().catch((err: Error) => {
        this.logger.warn(`legacy bridge: ${err.message}; retrying in ${REJOIN_RETRY_MS} ms`);
        setTimeout(retry, REJOIN_RETRY_MS).unref();
      });
    };
    retry();
  }
}
