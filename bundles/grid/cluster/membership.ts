import { createHash } from 'node:crypto';
import type { Logger } from 'winston';
import type { GridMember, MembershipListener } from '../api.js';
import type { MembershipChange, MembershipView } from '../spi/clusterSpi.js';

/**
 * This member's view of the cluster: the versioned member list, oldest first (the first is the
 * master), as last published by the master. Fires a change for every accepted list.
 */
export class Membership {
  private current: MembershipView;
  private currentHash: string;
  private readonly changeListeners = new Set<(change: MembershipChange) => void>();
  private readonly apiListeners = new Set<MembershipListener>();
  /** Ids of members that announced their leave: their removal is graceful. */
  private readonly left = new Set<string>();

  constructor(readonly local: GridMember, private readonly logger: Logger) {
    this.current = { version: 0, members: [local] };
    this.currentHash = listHash(this.current.members);
  }

  /** `listHash` of the current list: heartbeats carry it, so members notice lists that differ at the same version. */
  get hash(): string {
    return this.currentHash;
  }

  get view(): MembershipView {
    return this.current;
  }

  get master(): GridMember {
    return this.current.members[0]!;
  }

  isMaster(): boolean {
    return this.master.id === this.local.id;
  }

  member(id: string): GridMember | undefined {
    return this.current.members.find((m) => m.id === id);
  }

  has(id: string): boolean {
    return this.member(id) !== undefined;
  }

  /** Members older than this one (earlier in the list). */
  olderThanLocal(): GridMember[] {
    const i = this.current.members.findIndex((m) => m.id === this.local.id);
    return this.current.members.slice(0, Math.max(0, i));
  }

  markLeft(id: string): void {
    this.left.add(id);
  }

  hasLeft(id: string): boolean {
    return this.left.has(id);
  }

  /** Installs a new list and tells the listeners what changed. */
  install(version: number, members: readonly GridMember[]): MembershipChange {
    const before = new Map(this.current.members.map((m) => [m.id, m]));
    const after = new Set(members.map((m) => m.id));
    const added = members.filter((m) => !before.has(m.id));
    const removed = [...before.values()].filter((m) => !after.has(m.id));
    const graceful = removed.length > 0 && removed.every((m) => this.left.has(m.id));
    const versionChanged = version !== this.current.version;
    this.current = Object.freeze({ version, members: Object.freeze([...members]) });
    this.currentHash = listHash(this.current.members);
    for (const m of removed) this.left.delete(m.id);
    const change: MembershipChange = { view: this.current, added, removed, graceful };
    // A new version without member changes (e.g. forming a cluster alone again) is still news for the data layer.
    if (added.length > 0 || removed.length > 0 || versionChanged) this.emit(change);
    return change;
  }

  onChange(listener: (change: MembershipChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onMembership(listener: MembershipListener): () => void {
    this.apiListeners.add(listener);
    return () => this.apiListeners.delete(listener);
  }

  private emit(change: MembershipChange): void {
    const guard = (what: string, call: () => void) => {
      try {
        call();
      } catch (err) {
        this.logger.error(`grid ${what} listener failed: ${(err as Error).message}`);
      }
    };
    for (const l of this.changeListeners) guard('membership change', () => l(change));
    const members = [...change.view.members];
    for (const l of this.apiListeners) {
      for (const member of change.removed) guard('membership', () => l({ type: 'removed', member, members }));
      for (const member of change.added) guard('membership', () => l({ type: 'added', member, members }));
    }
  }
}

/** A short hash of a member list: ids and addresses in order. */
export function listHash(members: readonly GridMember[]): string {
  const h = createHash('sha256');
  for (const m of members) h.update(m.id).update('\0').update(m.address).update('\0');
  return h.digest('hex').slice(0, 16);
}
