import type { MergePolicyName } from './dataConfig.js';
import { NONE, type Ref, records } from '../map/recordArena.js';
import type { WireRecord } from '../map/recordStore.js';

/** Whether the merging (smaller side's) entry replaces what the larger side has. */
export function mergeWins(policy: MergePolicyName, existing: Ref, merging: WireRecord): boolean {
  switch (policy) {
    case 'pass-through':
      return true;
    case 'put-if-absent':
      return existing === NONE;
    case 'higher-hits':
      return existing === NONE || merging[5] > records.hits(existing);
    case 'latest-update':
      return existing === NONE || merging[3] > records.updated(existing);
  }
}
