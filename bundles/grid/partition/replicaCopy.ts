import type { ClusterSpi } from '../spi/clusterSpi.js';
import { atTurnEnd, TurnStage } from '../spi/turnEnd.js';
import type { ReplicaParticipant } from './participants.js';
import { isCopyAnswer, PARTITION_SERVICE, type PartitionMessage } from './partitionSchemas.js';

/** How long a source keeps a migrating partition blocked when the master never commits nor aborts. */
export const MIGRATION_LEASE_MS = 15_000;
/** Copy chunks of one partition in flight to one target. */
const COPY_WINDOW = 2;

/**
 * Sends partition p's data for replica `index` to `target`, COPY_WINDOW chunks in flight: the
 * target applies them in order (one connection), while the source already encodes the next.
 */
export async function copyPartition(spi: ClusterSpi, participants: readonly ReplicaParticipant[], p: number, target: string, index: number): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (const part of participants) {
    const chunks = part.snapshot(p, index);
    for (let i = 0; i < chunks.length; i++) {
      const msg: PartitionMessage = { t: 'replica', p, part: part.name, c: chunks[i], f: i === 0 };
      const sent = spi.request(target, PARTITION_SERVICE, msg, isCopyAnswer, MIGRATION_LEASE_MS);
      // Each is awaited below; this keeps one that fails while another is awaited from going unhandled.
      sent.catch(() => undefined);
      inFlight.push(sent);
      if (inFlight.length >= COPY_WINDOW) await inFlight.shift();
    }
  }
  await Promise.all(inFlight);
}

/**
 * An empty chunk of `part` to `target` that leaves behind this turn's batched backups (turn-end stage
 * BATCH runs its work in order, the batchers' flushes queued first) and reaches it after every
 * earlier frame. False when the target's replica is no longer known exact (`stillExact`) by then
 * (its connection was lost).
 */
export function copyBarrier(spi: ClusterSpi, part: ReplicaParticipant, p: number, target: string, stillExact: () => boolean): Promise<boolean> {
  const msg: PartitionMessage = { t: 'replica', p, part: part.name, c: [], f: false };
  return new Promise((resolve, reject) => {
    atTurnEnd(TurnStage.BATCH, () => {
      if (!stillExact()) resolve(false);
      else spi.request(target, PARTITION_SERVICE, msg, isCopyAnswer, MIGRATION_LEASE_MS).then(() => resolve(true), reject);
    });
  });
}
