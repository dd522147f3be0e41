import type { Membership } from './membership.js';

/**
 * Which members of this member's list confirm it as their master: a member confirms by a heartbeat
 * naming this member as master, or by joining through it. A confirmation counts for `windowMs`
 * (a few heartbeats). Merge decisions count only confirmed members (`MasterDuties.consider`), like
 * Hazelcast, where a master is only the master of members that answer its heartbeats as their
 * master: the members a master frozen past its removal still lists confirm the new master, so for
 * it the frozen one is a cluster of one; a member that took over decides nothing until the others
 * have installed its list. A member that does not confirm the master for as long as a silent member
 * is suspected (`overdue`) follows another master: the master removes it.
 */
export class MasterConfirmations {
  private readonly confirmedAt = new Map<string, number>();
  /** Since when this member, as master, expects each member's confirmation (its first check of it as master). */
  private readonly expectedSince = new Map<string, number>();

  constructor(private readonly membership: () => Membership, private readonly windowMs: number) {}

  /** A heartbeat of `id` naming `masterId` as its master. */
  heartbeat(id: string, masterId: string): void {
    if (masterId === this.membership().local.id) this.confirmedAt.set(id, Date.now());
    else this.confirmedAt.delete(id);
  }

  /** `id` asked this member (as master) to admit it. */
  joined(id: string): void {
    this.confirmedAt.set(id, Date.now());
  }

  forget(id: string): void {
    this.confirmedAt.delete(id);
    this.expectedSince.delete(id);
  }

  /** Whether `id` recently confirmed this member as its master (this member confirms itself). */
  confirms(id: string): boolean {
    if (id === this.membership().local.id) return true;
    const at = this.confirmedAt.get(id);
    return at !== undefined && Date.now() - at <= this.windowMs;
  }

  /** The members of this member's list that do not confirm it (empty: it is the master of them all). */
  unconfirmed(): string[] {
    return this.membership().view.members.filter((m) => !this.confirms(m.id)).map((m) => m.address);
  }

  /** Start every member's deadline afresh: this member just became master, or was frozen itself. */
  restartDeadlines(): void {
    this.expectedSince.clear();
  }

  /**
   * Ids of the members that have not confirmed this member (as master) for `limitMs`, counted from
   * their last confirmation or, when there is none, from the first time this was asked about them.
   */
  overdue(limitMs: number): string[] {
    const now = Date.now();
    const late: string[] = [];
    for (const m of this.membership().view.members) {
      if (m.id === this.membership().local.id) continue;
      let since = this.expectedSince.get(m.id);
      if (since === undefined) this.expectedSince.set(m.id, (since = now));
      if (now - Math.max(since, this.confirmedAt.get(m.id) ?? 0) > limitMs) late.push(m.id);
    }
    return late;
  }
}
