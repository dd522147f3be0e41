import type { Membership } from './membership.js';

/**
 * Which members of this member's list confirm it as their master: a member confirms by a heartbeat
 * naming this member as master, or by joining through it. A confirmation counts for `windowMs`
 * (a few heartbeats). Merge decisions count only confirmed members (`MasterDuties.consider`), like
 * Hazelcast, where a master is only the master of members that answer its heartbeats as their
 * master: the members a master frozen past its removal still lists confirm the new master, so for
 * it the frozen one is a cluster of one; a member that took over decides nothing until the others
 * have installed its list.
 */
export class MasterConfirmations {
  private readonly confirmedAt = new Map<string, number>();

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
}
