import type { Logger } from 'winston';
import type { DistributedMap, PartitionLostEvent } from '../grid/api.js';
import type { StoredSession } from './api.js';

/**
 * Logs how many sessions a partition loss may have taken. The lost entries cannot be counted (every
 * copy is gone), so the figure is estimated from the sessions left in the other partitions, keys
 * being spread evenly over the partitions.
 */
export async function reportLostSessions(event: PartitionLostEvent, sessions: DistributedMap<StoredSession>, partitionCount: number, logger: Logger): Promise<void> {
  // A map the master did not know still lost the partitions every replica of which is gone.
  const lost = event.maps.find((m) => m.name === sessions.name)?.partitions ?? event.partitions;
  if (lost.length === 0) return;
  const what = `grid partition loss (members ${event.lostMembers.join(', ')}): ${lost.length} of ${partitionCount} partitions of session map "${sessions.name}" are gone`;
  try {
    const left = await sessions.size();
    const kept = partitionCount - lost.length;
    const estimate = kept > 0 ? Math.round((left * lost.length) / kept) : 0;
    const guess = kept > 0 ? `about ${estimate} sessions may be gone (estimated from the ${left} left in the other ${kept} partitions)` : 'every session in the grid may be gone';
    logger.error(`${what}: ${guess}; users whose sessions were there must log in again unless their node still holds them`);
  } catch (err) {
    logger.error(`${what}: an unknown number of sessions may be gone (counting the rest failed: ${(err as Error).message})`);
  }
}
