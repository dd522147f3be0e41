import { property } from '../../../core/bundle.js';

/** Merge policies for split-brain healing, named as in Hazelcast. */
export const MERGE_POLICIES = ['latest-update', 'put-if-absent', 'higher-hits', 'pass-through'] as const;
export type MergePolicyName = (typeof MERGE_POLICIES)[number];

/**
 * The data layer's global properties (partitions, operations, migration, merge, topics). Spread into
 * the grid's properties (`config.ts`); `com.openexchange.hazelcast.maxOperationTimeout`, the
 * deadline of an operation, is the cluster layer's. Per-map settings come from `hazelcast/*.properties` (see mapConfig.ts).
 */
export const dataConfigSchema = {
  'hazelcast.partition.count': property({
    doc: 'Number of partitions; must be equal on every member',
    format: 'nat',
    default: 271,
  }),
  'com.openexchange.hazelcast.map.maxKeySize': property({
    doc: 'Largest map key in bytes (UTF-8)',
    format: 'nat',
    default: 1024,
  }),
  'com.openexchange.hazelcast.map.maxValueSize': property({
    doc: 'Largest serialized map value or topic message in bytes',
    format: 'nat',
    default: 1048576,
  }),
  'com.openexchange.hazelcast.partition.migrationParallelism': property({
    doc: 'Partitions migrated at the same time by the master',
    format: 'nat',
    default: 4,
  }),
  'com.openexchange.hazelcast.partition.gracefulShutdownTimeout': property({
    doc: 'How long a stopping member waits for its partitions to be handed off before it leaves anyway',
    format: 'duration',
    default: 20_000,
  }),
  'com.openexchange.hazelcast.merge.policy': property({
    doc: 'How the smaller side\'s map entries are merged after a split brain heals',
    format: MERGE_POLICIES,
    default: 'latest-update' as MergePolicyName,
  }),
  'com.openexchange.hazelcast.topic.capacity': property({
    doc: 'Messages kept in a reliable topic\'s ring; a subscriber further behind misses messages (a gap)',
    format: 'nat',
    default: 10000,
  }),
};
