import type { GridMember } from '../api.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';

/** The master this member follows: the first of its member list. */
export function masterOf(spi: ClusterSpi): string | undefined {
  return spi.view().members[0]?.id;
}

/**
 * Why this member refuses a migration order (`order`) or a copy of partition p from `from`, or
 * undefined when it takes it. A migration is ordered by this member's master to the partition's
 * owner, which copies it to the new replicas. Through a bridge another cluster's master and members
 * reach this member too, and a copy from them would replace (and later drop) the replica this member
 * holds for its own cluster; an order or a copy sent before a cut can arrive after the heal, when the
 * sender no longer owns the partition, and would replace newer data with an old snapshot. So a member
 * migrates only a partition it owns, and takes a copy only from a member of its cluster that owns the
 * partition as far as it knows (any member while its table names no owner yet, e.g. just after
 * joining). A refusal fails the migration, which the master plans again.
 */
export function replicaSourceProblem(spi: ClusterSpi, ownerOf: (p: number) => string | undefined, from: GridMember, p: number, order: boolean): string | undefined {
  if (order) {
    if (from.id !== masterOf(spi)) return 'it is not the master';
    return ownerOf(p) === spi.local.id ? undefined : `partition ${p} is not owned here`;
  }
  if (!spi.view().members.some((m) => m.id === from.id)) return 'it is not a member of this cluster';
  const owner = ownerOf(p);
  return owner === undefined || owner === from.id ? undefined : `it does not own partition ${p}`;
}
