import { SplitBrainProtectionError } from '../api.js';
import type { PartitionService } from '../partition/partitionService.js';

/**
 * Checks a configured `splitBrainProtection.minimumClusterSize`: a whole number of at least 1. The
 * key left out means off; 0 is refused rather than read as off, so a typo cannot silently disable it.
 * Returns the reason it is wrong, or undefined when `text` is valid.
 */
export function minimumClusterSizeProblem(text: string): string | undefined {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    return `must be a whole number of data members, at least 1 (leave the key out to switch split-brain protection off), got "${text}"`;
  }
  return undefined;
}

/**
 * Hazelcast's split-brain protection for one map or topic: with a minimum cluster size above 0,
 * an operation on a side of the cluster with fewer data members fails at once instead of being
 * acknowledged and lost at the merge. Lite members and clients hold no data and do not count.
 */
export class SplitBrainProtection {
  constructor(
    private readonly structure: string,
    private readonly minimumClusterSize: number,
    private readonly partitions: PartitionService,
  ) {}

  /** The error to fail the operation with, or undefined when it may run. */
  refusal(): SplitBrainProtectionError | undefined {
    if (this.minimumClusterSize === 0) return undefined;
    const present = this.partitions.dataMemberCount();
    if (present >= this.minimumClusterSize) return undefined;
    return new SplitBrainProtectionError(this.structure, this.minimumClusterSize, present, this.partitions.localAddress);
  }
}
