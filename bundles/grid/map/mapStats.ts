import type { LocalMapStats } from '../api.js';
import type { PartitionService } from '../partition/partitionService.js';
import type { RecordStores } from './recordStore.js';

/** Counters of one map on this member: operations issued here, hits and updates of entries owned here. */
export class MapCounters {
  hits = 0;
  gets = 0;
  puts = 0;
  removes = 0;
  getMs = 0;
  putMs = 0;
  removeMs = 0;
  lastUpdate = 0;
}

export class MapStatsRegistry {
  private readonly counters = new Map<string, MapCounters>();

  constructor(private readonly stores: RecordStores, private readonly partitions: PartitionService) {}

  of(map: string): MapCounters {
    let c = this.counters.get(map);
    if (!c) this.counters.set(map, (c = new MapCounters()));
    return c;
  }

  /** Hazelcast's LocalMapStats; entry counts are computed from the partitions this member holds. */
  stats(map: string): LocalMapStats {
    const c = this.of(map);
    const me = this.partitions.localId;
    let owned = 0;
    let backup = 0;
    let cost = 0;
    for (let p = 0; p < this.partitions.partitionCount; p++) {
      const store = this.stores.peek(p, map);
      if (!store || store.size === 0) continue;
      const index = this.partitions.replicasOf(p).indexOf(me);
      if (index === 0) {
        owned += store.size;
        cost += store.memoryCost();
      } else if (index > 0) backup += store.size;
    }
    return {
      ownedEntryCount: owned,
      backupEntryCount: backup,
      ownedEntryMemoryCost: cost,
      hits: c.hits,
      getOperationCount: c.gets,
      putOperationCount: c.puts,
      removeOperationCount: c.removes,
      totalGetLatencyMs: c.getMs,
      totalPutLatencyMs: c.putMs,
      totalRemoveLatencyMs: c.removeMs,
      lastUpdateTime: c.lastUpdate,
    };
  }
}
