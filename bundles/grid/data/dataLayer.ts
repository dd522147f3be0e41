import type { Logger } from 'winston';
import type { DistributedMap, GridMember, GridService, ReliableTopic } from '../api.js';
import { GridMap, type MapContext } from '../map/distributedMap.js';
import { defaultMapConfig, type MapConfig } from '../map/mapConfig.js';
import { MapEvents } from '../map/mapEvents.js';
import { MapExecutor } from '../map/mapExecutor.js';
import { MAP_SERVICE } from '../map/mapOps.js';
import { MapReplicas } from '../map/mapReplicas.js';
import { MapStatsRegistry } from '../map/mapStats.js';
import { RecordStores } from '../map/recordStore.js';
import { installHandoff } from '../partition/handoff.js';
import { Invoker } from '../partition/invoker.js';
import { describeGroups, type PartitionGroupView } from '../partition/partitionGroups.js';
import { PartitionLoss } from '../partition/partitionLoss.js';
import { PartitionService } from '../partition/partitionService.js';
import { Rebalancer } from '../partition/rebalancer.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { GridTopic } from '../topic/reliableTopic.js';
import { TOPIC_SERVICE, TopicRings } from '../topic/topicRing.js';
import type { DataLayerOptions } from './dataOptions.js';
import { installSplitBrainMerge } from './splitBrainMerge.js';
import { SplitBrainProtection } from './splitBrainProtection.js';

/** How often owners look for entries past their TTL or idle time. */
const SWEEP_MS = 1000;

/** The data part of the grid service; the cluster layer supplies the rest. */
export type DataLayer = Pick<GridService, 'getMap' | 'getTopic' | 'isClusterSafe' | 'partitionCount' | 'partitions' | 'mapNames' | 'topicNames' | 'onPartitionLost' | 'partitionLoss'> & {
  /** Whether a member holds data: not lite, and inside a custom partition group when groups are configured. */
  isDataMember(member: GridMember): boolean;
  /** Replica migrations running or queued as this member knows them (all of them on the master, its own copies elsewhere). */
  migrationsRunning(): number;
  /** Whether partition p migrates as this member knows it. */
  isMigrating(p: number): boolean;
  /** The custom partition groups and their members; empty when not custom. */
  partitionGroups(): PartitionGroupView[];
  stop(): Promise<void>;
};

/** Builds partitions, maps and topics on top of the cluster layer's seam. */
export function createDataLayer(spi: ClusterSpi, options: DataLayerOptions, logger: Logger): DataLayer {
  const defaults = new Map<string, MapConfig>();
  // Looked up several times per operation: a map without a file gets one default object, not one per call.
  const mapConfig = (name: string): MapConfig => {
    const configured = options.maps.get(name);
    if (configured) return configured;
    let c = defaults.get(name);
    if (!c) defaults.set(name, (c = defaultMapConfig(name)));
    return c;
  };
  const maxBackups = Math.max(1, ...[...options.maps.values()].map((c) => c.backupCount + c.asyncBackupCount));
  const partitions = new PartitionService(spi, options.partitionCount, options.partitionGroups, logger);
  const invoker = new Invoker(spi, partitions, options.operationTimeoutMs);
  const stores = new RecordStores(options.partitionCount);
  const maps = new Map<string, GridMap<unknown>>();
  const topics = new Map<string, GridTopic<unknown>>();
  const mapNames = () => [...new Set([...maps.keys(), ...stores.mapNames()])].sort();
  const topicNames = () => [...new Set([...topics.keys(), ...rings.names()])].sort();
  const loss = new PartitionLoss(spi, {
    // Configured maps too: this member may hold none of their entries and still report their loss.
    maps: () => [...new Set([...mapNames(), ...options.maps.keys()])].map((name) => ({ name, backups: mapConfig(name).backupCount + mapConfig(name).asyncBackupCount })),
    topics: topicNames,
    partitionCount: options.partitionCount,
  }, logger);
  const rebalancer = new Rebalancer(spi, partitions, {
    replicaCount: 1 + maxBackups,
    parallelism: options.migrationParallelism,
    migrationTimeoutMs: Math.max(30_000, options.operationTimeoutMs),
  }, loss, logger);
  spi.setMigrationCheck(() => {
    const planned = rebalancer.migrationsPlanned();
    const out = partitions.migratingOutCount();
    if (planned === 0 && out === 0) return undefined;
    return [planned > 0 ? `${planned} partitions still to migrate` : '', out > 0 ? `${out} partitions being copied away` : ''].filter(Boolean).join(', ');
  });
  const events = new MapEvents(spi, logger);
  const stats = new MapStatsRegistry(stores, partitions);
  const executor = new MapExecutor(stores, partitions, invoker, events, stats, mapConfig, options.mergePolicy, logger);
  const rings = new TopicRings(options.partitionCount, invoker, options.topicCapacity);
  invoker.register(MAP_SERVICE, executor);
  invoker.register(TOPIC_SERVICE, rings);
  partitions.addParticipant(new MapReplicas(stores, mapConfig));
  partitions.addParticipant(rings);
  installHandoff(spi, partitions, options.gracefulShutdownTimeoutMs, logger);
  const stopMergeRetries = installSplitBrainMerge(spi, partitions, stores, invoker, options.mergePolicy, logger);

  const mapContext: MapContext = {
    invoker, partitions, stores, events, stats, clusterState: () => spi.clusterState(), requireFeature: (f, what) => spi.requireFeature(f, what), maxKeySize: options.maxKeySize, maxValueSize: options.maxValueSize,
  };
  const sweeper = setInterval(() => {
    executor.sweep();
    partitions.sweep();
  }, SWEEP_MS);
  sweeper.unref();

  return {
    getMap<V>(name: string): DistributedMap<V> {
      let m = maps.get(name);
      if (!m) maps.set(name, (m = new GridMap<unknown>(name, mapConfig(name), mapContext)));
      return m as unknown as DistributedMap<V>;
    },
    getTopic<T>(name: string): ReliableTopic<T> {
      let t = topics.get(name);
      if (!t) {
        t = new GridTopic<unknown>(name, {
          invoker, localId: spi.local.id, partitionCount: options.partitionCount, maxValueSize: options.maxValueSize, logger,
          protection: new SplitBrainProtection(`topic ${name}`, options.topics.get(name)?.minimumClusterSize ?? 0, partitions),
        });
        topics.set(name, t);
      }
      return t as unknown as ReliableTopic<T>;
    },
    isClusterSafe: () => partitions.isClusterSafe(),
    isDataMember: (member) => partitions.groupOf(member) !== undefined,
    // The master's planned moves include its own copies: the larger count is the whole picture this member has.
    migrationsRunning: () => Math.max(rebalancer.migrationsPlanned(), partitions.migratingOutCount()),
    isMigrating: (p) => rebalancer.migrationsPending().has(p) || partitions.isMigratingOut(p),
    partitionGroups: () => describeGroups(options.partitionGroups, spi.view().members),
    partitionCount: () => options.partitionCount,
    partitions: () => partitions.partitions(),
    mapNames,
    topicNames,
    onPartitionLost: (listener) => loss.onLost(listener),
    partitionLoss: () => loss.stats(),
    async stop() {
      clearInterval(sweeper);
      stopMergeRetries();
      rebalancer.stop();
      invoker.stop();
      for (const t of topics.values()) t.stop();
      rings.wakeAll();
      // Values live in the process-wide arena, not on the heap: give their slots back.
      for (let p = 0; p < options.partitionCount; p++) stores.drop(p);
    },
  };
}
