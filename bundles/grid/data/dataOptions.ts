import { join } from 'node:path';
import type { Logger } from 'winston';
import type { ConfigFiles } from '../../../core/config/configFiles.js';
import { type MapConfig, readMapConfigs } from '../map/mapConfig.js';
import { type PartitionGroups, readPartitionGroups } from '../partition/partitionGroups.js';
import { readTopicConfigs, type TopicConfig } from '../topic/topicConfig.js';
import type { MergePolicyName } from './dataConfig.js';

/** Everything the data layer needs; built from the grid's properties and config files, or by hand (CLI, tests). */
export interface DataLayerOptions {
  partitionCount: number;
  /** Deadline of one operation, retries included. */
  operationTimeoutMs: number;
  maxKeySize: number;
  maxValueSize: number;
  migrationParallelism: number;
  gracefulShutdownTimeoutMs: number;
  mergePolicy: MergePolicyName;
  topicCapacity: number;
  /** Per-map settings by map name; other maps get `defaultMapConfig`. */
  maps: ReadonlyMap<string, MapConfig>;
  /** Per-topic settings by topic name; other topics have no split-brain protection. */
  topics: ReadonlyMap<string, TopicConfig>;
  /** CUSTOM partition groups from `hazelcast/hazelcast.xml`; undefined: every data member is its own group. */
  partitionGroups?: PartitionGroups;
}

export const defaultDataOptions: DataLayerOptions = {
  partitionCount: 271,
  operationTimeoutMs: 5000,
  maxKeySize: 1024,
  maxValueSize: 1048576,
  migrationParallelism: 4,
  gracefulShutdownTimeoutMs: 20_000,
  mergePolicy: 'latest-update',
  topicCapacity: 10000,
  maps: new Map(),
  topics: new Map(),
};

/**
 * Reads the data layer's options: global properties through `get`, map configurations from
 * `hazelcast/*.properties` and partition groups from `hazelcast/hazelcast.xml` (the cross-key
 * rules, a partition count of at least 1 among them, are `gridConfigProblems`).
 */
export function readDataOptions(get: (key: string) => unknown, files: ConfigFiles, logger: Logger): DataLayerOptions {
  const partitionCount = get('hazelcast.partition.count') as number;
  const partitionGroups = readPartitionGroups(join(files.dir, 'hazelcast', 'hazelcast.xml'));
  if (partitionGroups) logger.info(`custom partition groups from hazelcast/hazelcast.xml: ${partitionGroups.map((g) => `[${g.join(', ')}]`).join(' ')}`);
  const maps = readMapConfigs(files, (m) => logger.warn(m));
  const topics = readTopicConfigs(files, (m) => logger.warn(m));
  const sizes: [string, number][] = [...[...maps.values()].map((c): [string, number] => [`map ${c.name}`, c.minimumClusterSize ?? 0]), ...[...topics.values()].map((c): [string, number] => [`topic ${c.name}`, c.minimumClusterSize])];
  warnAboutMinimumSizes(get, sizes, logger);
  return {
    partitionCount,
    operationTimeoutMs: get('com.openexchange.hazelcast.maxOperationTimeout') as number,
    maxKeySize: get('com.openexchange.hazelcast.map.maxKeySize') as number,
    maxValueSize: get('com.openexchange.hazelcast.map.maxValueSize') as number,
    migrationParallelism: get('com.openexchange.hazelcast.partition.migrationParallelism') as number,
    gracefulShutdownTimeoutMs: get('com.openexchange.hazelcast.partition.gracefulShutdownTimeout') as number,
    mergePolicy: get('com.openexchange.hazelcast.merge.policy') as MergePolicyName,
    topicCapacity: get('com.openexchange.hazelcast.topic.capacity') as number,
    maps,
    topics,
    ...(partitionGroups ? { partitionGroups } : {}),
  };
}

/**
 * A minimum cluster size no cluster can reach would refuse every operation. The real cluster size is
 * unknown at start, so this is a warning, given when a size exceeds the static join list.
 */
function warnAboutMinimumSizes(get: (key: string) => unknown, sizes: [string, number][], logger: Logger): void {
  if (get('com.openexchange.hazelcast.network.join') !== 'static') return;
  const listed = String(get('com.openexchange.hazelcast.network.join.static.nodes') ?? '').split(',').filter((s) => s.trim() !== '').length;
  for (const [structure, size] of sizes) {
    if (size > listed) logger.warn(`${structure}: splitBrainProtection.minimumClusterSize ${size} exceeds the ${listed} members of com.openexchange.hazelcast.network.join.static.nodes: unless more members join, every operation on it is refused`);
  }
}
