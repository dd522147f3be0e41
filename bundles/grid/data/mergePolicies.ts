import type { MergePolicyName } from './dataConfig.js';
import type { MapRecord, WireRecord } from '../map/recordStore.js';

/** Whether the merging (smaller side's) entry replaces what the larger side has. */
export function mergeWins(policy: MergePolicyName, existing: MapRecord | undefined, merging: WireRecord): boolean {
  switch (policy) {
    case 'pass-through':
      return true;
    case 'put-if-absent':
      return existing === undefined;
    case 'higher-hits':
      return existing === undefined || merging[5] > existing.hits;
    case 'latest-update':
      return existing === undefined || merging[3] > existing.updated;
  }
}
