import type { ClusterSpi } from '../spi/clusterSpi.js';
import { type PartitionTable, sameReplicas } from './partitionTable.js';

/**
 * For each partition this member owns, the other replicas it knows to be exact copies of its own,
 * so a migration need not copy the partition to them again (a backup promoted to owner, a replica
 * moving to another index). There are no replica versions on the wire, so "known exact" is kept
 * conservatively, from what this member saw itself:
 * - a migration commits only once its source copied the partition to every new replica (or proved
 *   it exact) while writes to it were blocked, so right after the commit every replica is exact;
 * - from then on the owner is the only writer and sends each change to every backup, over
 *   connections that deliver in order: a replica stays exact while its connection stays up.
 * It forgets a member when its connection is lost (frames may be lost with it, even if the member
 * reconnects) or it leaves; a partition when this member became its owner other than by a commit it
 * saw (a backup promoted after the owner was lost may lack changes the others got), and everything
 * when a table version was skipped (changes it did not see).
 */
export class ReplicaSync {
  private readonly exact = new Map<number, Set<string>>();

  constructor(spi: ClusterSpi) {
    spi.onConnectionLost((member) => this.forget(member));
    spi.onMembershipChange((change) => {
      for (const m of change.removed) this.forget(m.id);
    });
  }

  /** The replicas of partition p (owned here) known to equal this member's copy; none when unknown. */
  exactReplicas(p: number): ReadonlySet<string> | undefined {
    return this.exact.get(p);
  }

  /**
   * Follows a table change on this member (`me`). `committedHere(p)`: the change is the commit of the
   * migration this member ran as p's source, so it made every replica in it exact.
   */
  tableChanged(prev: PartitionTable, next: PartitionTable, me: string, committedHere: (p: number) => boolean): void {
    // The master re-sends its table every 2 s: the same version again changes nothing.
    if (next.version === prev.version && next.replicas.every((r, p) => sameReplicas(r, prev.replicas[p] ?? []))) return;
    const consecutive = next.version === prev.version + 1;
    for (let p = 0; p < next.replicas.length; p++) {
      const is = next.replicas[p] ?? [];
      if (is[0] !== me) {
        this.exact.delete(p);
      } else if (committedHere(p)) {
        this.exact.set(p, new Set(is.slice(1)));
      } else if (!consecutive) {
        this.exact.delete(p);
      } else {
        const was = prev.replicas[p] ?? [];
        const known = this.exact.get(p);
        if (was[0] === me) {
          // Still the owner: replicas that stay are as exact as before; no new one comes without this member's migration.
          if (known) for (const id of known) if (!is.includes(id)) known.delete(id);
        } else if (!isSubsequence(is, was)) {
          // A replica list that is not the old one thinned out is a migration's commit (a lost owner
          // only thins it out): its source made every replica exact.
          this.exact.set(p, new Set(is.slice(1)));
        } else {
          this.exact.delete(p);
        }
      }
    }
  }

  /** Forget everything (a split-brain merge drops every partition). */
  clear(): void {
    this.exact.clear();
  }

  private forget(member: string): void {
    for (const known of this.exact.values()) known.delete(member);
  }
}

/** True when `a` is `b` with some members left out, in the same order. */
function isSubsequence(a: readonly string[], b: readonly string[]): boolean {
  let i = 0;
  for (const id of b) if (i < a.length && a[i] === id) i++;
  return i === a.length;
}
