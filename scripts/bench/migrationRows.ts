import type { DistributedMap } from '../../bundles/grid/api.js';
import type { DataLayer } from '../../bundles/grid/data/dataLayer.js';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { waitFor } from '../../test/support/waitFor.js';
import { type BenchRow, percentile } from './benchRow.js';

/** Operations in flight of the steady load that runs before and during the migration. */
const LOAD_IN_FLIGHT = 8;
/** Operations of the steady load measured before the join. */
const LOAD_BEFORE = 20_000;

export interface MigrationSetup {
  /** The bench's lite member: its view and table show the join and the end of the migration. */
  layer: DataLayer;
  members: () => number;
  /** Starts the joining node. */
  join: () => void;
  /** The keys stored before the join, all in one map. */
  entries: number;
  key: (i: number) => string;
  /** A map with `loadKeys` entries that the steady load puts and gets. */
  load: DistributedMap<string>;
  loadKeys: number;
  value: string;
}

/** Each of LOAD_IN_FLIGHT workers puts and gets in turns until stopped; latencies go to the current phase's list. */
class SteadyLoad {
  phase: number[] = [];
  private stopped = false;
  private failure: unknown;
  private readonly workers: Promise<void>[];

  constructor(map: DistributedMap<string>, keys: number, value: string) {
    this.workers = Array.from({ length: LOAD_IN_FLIGHT }, async (_, w) => {
      for (let n = 0; !this.stopped; n++) {
        const key = `k${(w + n * LOAD_IN_FLIGHT) % keys}`;
        const t = performance.now();
        await (n % 2 ? map.put(key, value) : map.get(key));
        this.phase.push(performance.now() - t);
      }
    }).map((worker) => worker.catch((err: unknown) => {
      // A failed operation ends the load; stop() reports it.
      this.failure ??= err;
      this.stopped = true;
    }));
  }

  /** Ends the current phase: its latencies, and a new empty list for the next. */
  next(): number[] {
    const done = this.phase;
    this.phase = [];
    return done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * A node joins a cluster that holds `entries` entries, with puts and gets running throughout.
 * Entries/s counts the copies the new table needs (every replica a partition did not have before)
 * over the time from the join (the member list grows) to cluster safe; the process's start-up
 * before the join is reported apart, being no part of the migration.
 */
export async function migrationRows(s: MigrationSetup): Promise<BenchRow[]> {
  const before = s.layer.partitions();
  const perPartition = new Array<number>(before.length).fill(0);
  for (let i = 0; i < s.entries; i++) perPartition[partitionOf(s.key(i), before.length)]++;
  const load = new SteadyLoad(s.load, s.loadKeys, s.value);
  let steady: number[];
  let during: number[];
  let startupMs: number;
  let migrationMs: number;
  try {
    await waitFor(`${LOAD_BEFORE} operations of the steady load`, () => load.phase.length >= LOAD_BEFORE, 60_000, 5);
    steady = load.next();
    const size = s.members();
    const t0 = performance.now();
    s.join();
    await waitFor('the fourth node to join', () => s.members() > size, 60_000, 2);
    const tJoin = performance.now();
    load.next();
    await waitFor('the cluster to be safe with four nodes', () => s.layer.isClusterSafe(), 120_000, 2);
    migrationMs = performance.now() - tJoin;
    startupMs = tJoin - t0;
    during = load.next();
  } finally {
    await load.stop();
  }
  const after = s.layer.partitions();
  let copies = 0;
  after.forEach((p, id) => {
    const had = new Set([before[id].owner, ...before[id].backups]);
    for (const holder of [p.owner, ...p.backups]) if (!had.has(holder)) copies += perPartition[id];
  });
  const p = (l: number[], q: number) => percentile(l, q);
  const loadNote = `${LOAD_IN_FLIGHT} in flight, each alternating put and get on a second map`;
  const peer = 'the same load before the join';
  return [
    {
      name: 'migration to a joining 4th node', value: copies / (migrationMs / 1000), unit: 'entries/s',
      note: `${copies} entry copies of ${s.entries} entries in ${(migrationMs / 1000).toFixed(2)} s from the join to cluster safe, under load (${loadNote}); the process took ${(startupMs / 1000).toFixed(2)} s from its start to the join`,
    },
    {
      name: 'map put/get p99 during migration', value: p(during, 99), unit: 'ms', peer, peerValue: p(steady, 99),
      note: `${during.length} operations during, ${steady.length} before; p50 ${p(during, 50).toFixed(2)} ms during, ${p(steady, 50).toFixed(2)} ms before; ${loadNote}`,
    },
  ];
}
