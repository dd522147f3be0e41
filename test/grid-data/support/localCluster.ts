import { Packr, Unpackr } from 'msgpackr';
import winston from 'winston';
import type { ClusterState, GridMember } from '../../../bundles/grid/api.js';
import type { ClusterSpi, MembershipChange, MembershipView, MessageHandler, ServiceHandler } from '../../../bundles/grid/spi/clusterSpi.js';
import type { WireCheck } from '../../../bundles/grid/spi/wireSchema.js';

// Same codec settings as the transport, so payloads round-trip as they would on the wire.
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const wire = <T>(v: T): T => unpackr.unpack(packr.pack(v)) as T;

export const quietLogger = winston.createLogger({ level: process.env.OXK_TEST_LOG ?? 'error', transports: [new winston.transports.Console()] });

/**
 * An in-process cluster for unit tests of the data layer: members are `LocalSpi`s that talk through
 * the hub (asynchronously, through msgpack). Members can crash, leave gracefully, be split into
 * sides that cannot reach each other, and be healed (the smaller side merges into the larger).
 */
export class LocalHub {
  private readonly spis = new Map<string, LocalSpi>();
  private readonly order: string[] = [];
  private readonly side = new Map<string, number>();
  private readonly paused = new Map<string, { promise: Promise<void>; release(): void }>();
  private version = 0;
  private next = 1;

  add(options: { address?: string; lite?: boolean; dataMember?: boolean } = {}): LocalSpi {
    const n = this.next++;
    const member: GridMember = {
      id: `m${n}`, address: options.address ?? `127.0.0.${n}:5701`, route: `OX${n}`, version: '2.0',
      lite: options.lite ?? false, dataMember: options.dataMember ?? !options.lite,
    };
    const spi = new LocalSpi(this, member);
    this.spis.set(member.id, spi);
    this.order.push(member.id);
    this.side.set(member.id, 0);
    this.changed([member], [], false, (id) => id !== member.id);
    spi.notify({ view: spi.view(), added: this.viewOf(member.id).members.filter((m) => m.id !== member.id), removed: [], graceful: false });
    return spi;
  }

  viewOf(id: string): MembershipView {
    const s = this.side.get(id);
    return { version: this.version, members: this.order.filter((m) => this.side.get(m) === s).map((m) => this.spis.get(m)!.local) };
  }

  /** Holds every message to and from a member until `resume` (like SIGSTOP without the failure detector). */
  pause(id: string): void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.paused.set(id, { promise, release });
  }

  resume(id: string): void {
    this.paused.get(id)?.release();
    this.paused.delete(id);
  }

  /** Resolves when neither member is paused. */
  async gate(a: string, b: string): Promise<void> {
    for (;;) {
      const p = this.paused.get(a) ?? this.paused.get(b);
      if (!p) return;
      await p.promise;
    }
  }

  reachable(from: string, to: string): boolean {
    return this.spis.has(to) && this.spis.has(from) && this.side.get(from) === this.side.get(to);
  }

  spi(id: string): LocalSpi | undefined {
    return this.spis.get(id);
  }

  crash(id: string): void {
    const spi = this.spis.get(id);
    if (!spi) return;
    this.remove(spi);
    this.changed([], [spi.local], false, (m) => this.side.get(m) === this.side.get(id));
  }

  async leave(id: string): Promise<void> {
    const spi = this.spis.get(id);
    if (!spi) return;
    for (const hook of spi.beforeLeave) await hook();
    this.remove(spi);
    this.changed([], [spi.local], true, (m) => this.side.get(m) === this.side.get(id));
  }

  /** Splits the members into sides; each side sees the others as crashed. */
  split(sides: string[][]): void {
    const before = new Map(this.order.map((id) => [id, this.viewOf(id).members]));
    sides.forEach((ids, i) => ids.forEach((id) => this.side.set(id, i)));
    this.version++;
    for (const id of this.order) {
      const now = new Set(this.viewOf(id).members.map((m) => m.id));
      const removed = before.get(id)!.filter((m) => !now.has(m.id));
      this.spis.get(id)!.notify({ view: this.viewOf(id), added: [], removed, graceful: false });
    }
  }

  /** Heals a split: the smaller side runs its merge hooks around joining the larger one. */
  async heal(): Promise<void> {
    const sides = new Map<number, string[]>();
    for (const id of this.order) sides.set(this.side.get(id)!, [...(sides.get(this.side.get(id)!) ?? []), id]);
    const ordered = [...sides.values()].sort((a, b) => b.length - a.length);
    const smaller = ordered.slice(1).flat();
    for (const id of smaller) for (const h of this.spis.get(id)!.mergeHooks) await h.before();
    for (const id of smaller) {
      this.order.splice(this.order.indexOf(id), 1);
      this.order.push(id);
    }
    const before = new Map(this.order.map((id) => [id, this.viewOf(id).members]));
    for (const id of this.order) this.side.set(id, 0);
    this.version++;
    for (const id of this.order) {
      const had = new Set(before.get(id)!.map((m) => m.id));
      const added = this.viewOf(id).members.filter((m) => !had.has(m.id));
      this.spis.get(id)!.notify({ view: this.viewOf(id), added, removed: [], graceful: false });
    }
    for (const id of smaller) for (const h of this.spis.get(id)!.mergeHooks) await h.after();
  }

  private remove(spi: LocalSpi): void {
    this.spis.delete(spi.local.id);
    this.order.splice(this.order.indexOf(spi.local.id), 1);
    for (const other of this.spis.values()) other.failCallsTo(spi.local.id);
    spi.failCallsTo('*');
  }

  private changed(added: GridMember[], removed: GridMember[], graceful: boolean, who: (id: string) => boolean): void {
    this.version++;
    for (const id of this.order) {
      if (who(id)) this.spis.get(id)!.notify({ view: this.viewOf(id), added, removed, graceful });
    }
  }
}

export class LocalSpi implements ClusterSpi {
  private readonly handlers = new Map<string, ServiceHandler>();
  private readonly listeners = new Set<(c: MembershipChange) => void>();
  private readonly calls = new Map<number, { to: string; reject(err: Error): void }>();
  private callId = 0;
  readonly beforeLeave: (() => Promise<void>)[] = [];
  readonly mergeHooks: { before(): Promise<void> | void; after(): Promise<void> | void }[] = [];

  constructor(private readonly hub: LocalHub, readonly local: GridMember) {}

  view(): MembershipView {
    return this.hub.viewOf(this.local.id);
  }

  isMaster(): boolean {
    return this.view().members[0]?.id === this.local.id;
  }

  onMembershipChange(listener: (change: MembershipChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // The hub has no connections: a member it cuts off leaves this member's view instead.
  onConnectionLost(): () => void {
    return () => undefined;
  }

  // The in-process hub has no cluster states: always ACTIVE.
  clusterState(): ClusterState {
    return 'ACTIVE';
  }

  // Every member of the in-process hub is this build: every feature is there.
  requireFeature(): void {}

  onClusterState(): () => void {
    return () => undefined;
  }

  migrationAllowed(): boolean {
    return true;
  }

  ownershipFenced(): boolean {
    return false;
  }

  promotionAllowed(): boolean {
    return true;
  }

  setMigrationCheck(): void {}

  notify(change: MembershipChange): void {
    for (const l of this.listeners) l(change);
  }

  send(memberId: string, service: string, payload: unknown): void {
    if (!this.hub.reachable(this.local.id, memberId)) return;
    const data = wire(payload);
    setImmediate(async () => {
      await this.hub.gate(this.local.id, memberId);
      const target = this.hub.spi(memberId);
      if (!target || !this.hub.reachable(this.local.id, memberId)) return;
      const entry = target.handlers.get(service);
      if (!entry) return;
      const r = entry.handler(this.local, checked(entry.check, service, data));
      if (r instanceof Promise) r.catch(() => undefined);
    });
  }

  request<R>(memberId: string, service: string, payload: unknown, answer: WireCheck<R>, timeoutMs = 5000): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (!this.hub.reachable(this.local.id, memberId)) {
        reject(new Error(`member ${memberId} is not reachable from ${this.local.id}`));
        return;
      }
      const id = ++this.callId;
      const timer = setTimeout(() => finish(() => reject(new Error(`request ${service} to ${memberId} timed out`))), timeoutMs);
      const finish = (f: () => void) => {
        if (!this.calls.delete(id)) return;
        clearTimeout(timer);
        f();
      };
      this.calls.set(id, { to: memberId, reject: (err) => finish(() => reject(err)) });
      const data = wire(payload);
      setImmediate(async () => {
        await this.hub.gate(this.local.id, memberId);
        const target = this.hub.spi(memberId);
        const entry = target?.handlers.get(service);
        if (!target || !entry) return finish(() => reject(new Error(`no handler ${service} on ${memberId}`)));
        try {
          const result = checked(answer, `${service} answer`, wire(await entry.handler(this.local, checked(entry.check, service, data))));
          setImmediate(async () => {
            await this.hub.gate(this.local.id, memberId);
            if (this.hub.reachable(this.local.id, memberId)) finish(() => resolve(result as R));
          });
        } catch (err) {
          finish(() => reject(new Error(`${(err as Error).message} (on member ${memberId})`)));
        }
      });
    });
  }

  failCallsTo(memberId: string): void {
    for (const call of [...this.calls.values()]) {
      if (memberId === '*' || call.to === memberId) call.reject(new Error(`member ${memberId} left`));
    }
  }

  handle<T>(service: string, check: WireCheck<T>, handler: MessageHandler<T>): void {
    this.handlers.set(service, { check, handler } as ServiceHandler);
  }

  onMerge(hooks: { before(): Promise<void> | void; after(): Promise<void> | void }): void {
    this.mergeHooks.push(hooks);
  }

  onBeforeLeave(hook: () => Promise<void>): void {
    this.beforeLeave.push(hook);
  }
}

/** The members' own traffic must pass the schemas: a violation here is a bug in a schema or a sender, and fails the test loudly. */
function checked<T>(check: WireCheck<T>, what: string, value: unknown): T {
  if (!check(value)) {
    const err = new Error(`schema violation in the local cluster: ${what}: ${check.explain(value)}`);
    process.nextTick(() => {
      throw err;
    });
    throw err;
  }
  return value;
}
