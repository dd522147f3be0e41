import type { Logger } from 'winston';
import type { Invoker } from '../partition/invoker.js';
import type { PartitionService } from '../partition/partitionService.js';
import { partitionOf } from '../partition/partitionTable.js';
import { MAP_SERVICE, Op, type MapOp } from '../map/mapOps.js';
import { type RecordStores, toWireRecord, type WireRecord } from '../map/recordStore.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf } from '../partition/participants.js';
import type { MergePolicyName } from './dataConfig.js';

const MERGE_BATCH = 1000;
/** The larger cluster may still be assigning partitions to this member: merging may wait that long. */
const MERGE_DEADLINE_MS = 60_000;

/**
 * Split-brain heal on the smaller side: before joining, keep the entries this member owns as merge
 * candidates and forget all partitions; once joined, send them to their new owners, which apply the
 * merge policy. Logs how many entries were merged.
 */
export function installSplitBrainMerge(
  spi: ClusterSpi,
  partitions: PartitionService,
  stores: RecordStores,
  invoker: Invoker,
  policy: MergePolicyName,
  logger: Logger,
): void {
  let candidates = new Map<string, WireRecord[]>();
  spi.onMerge({
    before() {
      candidates = new Map();
      const me = spi.local.id;
      for (let p = 0; p < partitions.partitionCount; p++) {
        if (partitions.ownerOf(p) !== me) continue;
        for (const [map, store] of stores.peekContainer(p)?.maps ?? []) {
          const list = candidates.get(map) ?? [];
          for (const [key, r] of store) list.push(toWireRecord(key, r));
          candidates.set(map, list);
        }
      }
      partitions.reset();
    },
    async after() {
      const pending = candidates;
      candidates = new Map();
      let total = 0;
      let merged = 0;
      let failed = 0;
      for (const [map, records] of pending) {
        const byPartition = new Map<number, WireRecord[]>();
        for (const w of records) {
          const p = partitionOf(w[0], partitions.partitionCount);
          const list = byPartition.get(p) ?? [];
          list.push(w);
          byPartition.set(p, list);
        }
        total += records.length;
        await Promise.all([...byPartition].map(async ([p, list]) => {
          for (let i = 0; i < list.length; i += MERGE_BATCH) {
            const batch = list.slice(i, i + MERGE_BATCH);
            const op: MapOp = [Op.MERGE, map, '', batch];
            try {
              // Not `merged += await ...`: that reads `merged` before the await and loses the other partitions' counts.
              const n = await invoker.invoke<number>(MAP_SERVICE, p, op, MERGE_DEADLINE_MS);
              merged += n;
            } catch (err) {
              failed += batch.length;
              logger.warn(`split-brain merge of ${batch.length} entries of map ${map} (partition ${p}) failed: ${messageOf(err)}`);
            }
          }
        }));
      }
      logger.info(`split-brain merge: ${total} entries of ${pending.size} maps from this member, ${merged} merged into the larger cluster, ${total - merged - failed} kept the larger cluster's value (policy ${policy} unless a map sets its own), ${failed} failed`);
    },
  });
}
