import type { Logger } from 'winston';
import type { Invoker } from '../partition/invoker.js';
import type { PartitionService } from '../partition/partitionService.js';
import { partitionOf } from '../partition/partitionTable.js';
import { MAP_SERVICE, Op, type MapOp } from '../map/mapOps.js';
import { type RecordStores, toWireRecord, type WireRecord } from '../map/recordStore.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf, sleep } from '../partition/participants.js';
import type { MergePolicyName } from './dataConfig.js';

const MERGE_BATCH = 1000;
/** The larger cluster may still be assigning partitions to this member: merging may wait that long. */
const MERGE_DEADLINE_MS = 60_000;
/** Entries whose merge failed are tried again after this long, until they are merged. */
const RETRY_MS = 2000;

/** Merge candidates: map name → entries. */
type Candidates = Map<string, WireRecord[]>;

function add(into: Candidates, map: string, records: WireRecord[]): void {
  const list = into.get(map);
  if (list) list.push(...records);
  else into.set(map, [...records]);
}

/**
 * Split-brain heal on the smaller side: before joining, keep the entries this member owns as merge
 * candidates and forget all partitions; once joined, send them to their new owners, which apply the
 * merge policy. Logs how many entries were merged. Entries whose merge failed (their partition had
 * no reachable owner for a minute: another fault during the merge) are kept and tried again every
 * few seconds, and go along into the next merge if this member leaves its cluster meanwhile: data this
 * member held is not dropped before it was merged somewhere. Returns a function that stops the retries.
 */
export function installSplitBrainMerge(
  spi: ClusterSpi,
  partitions: PartitionService,
  stores: RecordStores,
  invoker: Invoker,
  policy: MergePolicyName,
  logger: Logger,
): () => void {
  let candidates: Candidates = new Map();
  /** Entries whose merge failed, tried again in the background. */
  let leftovers: Candidates = new Map();
  /** Between `before` and the end of `after`: the retries wait (the member is joining elsewhere). */
  let merging = false;
  let retrying = false;
  let stopped = false;

  /** Merges `pending` into the cluster; returns what failed (each failed batch is logged unless `quiet`). */
  async function mergeAll(pending: Candidates, quiet = false): Promise<{ total: number; merged: number; failed: Candidates }> {
    let total = 0;
    let merged = 0;
    const failed: Candidates = new Map();
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
            add(failed, map, batch);
            if (!quiet) logger.warn(`split-brain merge of ${batch.length} entries of map ${map} (partition ${p}) failed, kept to try again: ${messageOf(err)}`);
          }
        }
      }));
    }
    return { total, merged, failed };
  }

  const count = (c: Candidates) => [...c.values()].reduce((n, l) => n + l.length, 0);

  /** Tries the leftovers again until none is left; what fails stays a leftover (and a merge candidate if this member leaves meanwhile). */
  async function retryLeftovers(): Promise<void> {
    if (retrying) return;
    retrying = true;
    // A partition without a reachable owner fails every 2 s: log progress, and otherwise once a minute.
    let loggedAt = Date.now();
    try {
      while (!stopped && leftovers.size > 0) {
        await sleep(RETRY_MS);
        if (stopped || merging) continue;
        const pending = leftovers;
        leftovers = new Map();
        const { merged, failed } = await mergeAll(pending, true);
        for (const [map, records] of failed) add(leftovers, map, records);
        const done = count(pending) - count(failed);
        if (done > 0 || Date.now() - loggedAt >= 60_000) {
          loggedAt = Date.now();
          logger[failed.size > 0 ? 'warn' : 'info'](`split-brain merge retry: ${done} of ${count(pending)} entries done (${merged} merged into the cluster), ${count(failed)} still to merge${failed.size > 0 ? ` (maps ${[...failed.keys()].join(', ')}; tried every ${RETRY_MS} ms)` : ''}`);
        }
      }
    } finally {
      retrying = false;
    }
  }

  spi.onMerge({
    before() {
      merging = true;
      candidates = leftovers;
      leftovers = new Map();
      const me = spi.local.id;
      for (let p = 0; p < partitions.partitionCount; p++) {
        if (partitions.ownerOf(p) !== me) continue;
        for (const [map, store] of stores.peekContainer(p)?.maps ?? []) {
          const list: WireRecord[] = [];
          store.forEach((r) => list.push(toWireRecord(r)));
          add(candidates, map, list);
        }
      }
      partitions.reset();
    },
    async after() {
      const pending = candidates;
      candidates = new Map();
      try {
        const { total, merged, failed } = await mergeAll(pending);
        const left = count(failed);
        logger.info(`split-brain merge: ${total} entries of ${pending.size} maps from this member, ${merged} merged into the larger cluster, ${total - merged - left} kept the larger cluster's value (policy ${policy} unless a map sets its own), ${left} failed (kept and tried again)`);
        for (const [map, records] of failed) add(leftovers, map, records);
      } finally {
        merging = false;
      }
      if (leftovers.size > 0) void retryLeftovers();
    },
  });
  return () => {
    stopped = true;
  };
}
