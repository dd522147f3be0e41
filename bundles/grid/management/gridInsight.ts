import type { GridMember } from '../api.js';
import type { ClockSkewWarning } from '../cluster/clockProbe.js';
import type { MemberVitals } from '../cluster/memberVitals.js';
import type { PartitionGroupView } from '../partition/partitionGroups.js';

/**
 * What the grid's MBeans show beyond the public api: figures for operators (memory, heartbeats,
 * migrations, partition groups, clock skews) that no other bundle needs to program against.
 */
export interface GridInsight {
  /** Undefined for a member this member has not heard of. */
  vitals(member: GridMember): MemberVitals | undefined;
  /** The custom partition groups with their members; empty when not custom. */
  partitionGroups(): PartitionGroupView[];
  /** Replica migrations running or queued as this member knows them. */
  migrationsRunning(): number;
  isMigrating(partition: number): boolean;
  /** The clock-skew warnings in force on this member. */
  clockSkewWarnings(): ClockSkewWarning[];
}
