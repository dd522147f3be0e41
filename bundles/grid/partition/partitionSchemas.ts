import Type from 'typebox';
import { Count, MemberId, messageCheck, Millis, PartitionId, WireLimits, WireName, WireText } from '../spi/wireSchema.js';
import type { WireTable } from './partitionTable.js';

export const PARTITION_SERVICE = 'grid.partition';

export type PartitionMessage =
  | { t: 'table'; w: WireTable }
  | { t: 'migrate'; p: number; targets: string[] }
  | { t: 'abort'; p: number }
  | { t: 'replica'; p: number; part: string; c: unknown; f: boolean }
  | { t: 'drain'; member: string; ms: number };

const CallId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Replicas = Type.Array(MemberId, { maxItems: WireLimits.REPLICAS });
/**
 * The members whose backup acks follow an owner's answer, one entry per backup sent: a split-brain
 * merge batch backs up every entry it takes, so this is as long as the batch, not the replica count
 * (capped at the replica count, such an answer was refused and the merging member's connection dropped).
 */
const AckFrom = Type.Array(MemberId, { maxItems: WireLimits.ITEMS });

/** The partition service's messages (`partitionService.ts`); a replica chunk is checked by its participant. */
export const isPartitionMessage = messageCheck('grid.partition', Type.Union([
  Type.Object({
    t: Type.Literal('table'),
    w: Type.Object({
      v: Count,
      m: Type.Array(MemberId, { maxItems: WireLimits.MEMBERS }),
      r: Type.Array(Type.Array(Type.Integer({ minimum: 0, maximum: WireLimits.MEMBERS - 1 }), { maxItems: WireLimits.REPLICAS }), { maxItems: WireLimits.PARTITIONS }),
      s: Type.Boolean(),
    }, { additionalProperties: false }),
  }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('migrate'), p: PartitionId, targets: Replicas }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('abort'), p: PartitionId }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('replica'), p: PartitionId, part: WireName, c: Type.Unknown(), f: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('drain'), member: MemberId, ms: Millis }, { additionalProperties: false }),
]));

/** Answers of migrate and replica requests. */
export const isCopyAnswer = messageCheck('grid.partition copy answer', Type.Boolean());
/** The master's answer to a drain request. */
export const isDrainAnswer = messageCheck('grid.partition drain answer', Type.Union([Type.Literal('done'), Type.Literal('nobody'), Type.Literal('timeout'), Type.Literal('frozen')]));

/** A batch of operations for partition owners: [service, partition, operation, call id]. */
export const isOpBatch = messageCheck('grid.ops', Type.Array(Type.Tuple([WireName, PartitionId, Type.Unknown(), CallId]), { maxItems: WireLimits.ITEMS }));
/** Its answer per item: [1, [value, members whose backup acks follow]] or [0, error]. */
export const isOpBatchAnswer = messageCheck('grid.ops answer', Type.Array(Type.Union([
  Type.Tuple([Type.Literal(1), Type.Tuple([Type.Unknown(), AckFrom])]),
  Type.Tuple([Type.Literal(0), WireText]),
]), { maxItems: WireLimits.ITEMS }));

/** One operation on many partitions of one owner: [service, partitions, operation]. */
export const isOpAll = messageCheck('grid.opAll', Type.Tuple([WireName, Type.Array(PartitionId, { maxItems: WireLimits.PARTITIONS }), Type.Unknown()]));
export const isOpAllAnswer = messageCheck('grid.opAll answer', Type.Array(Type.Tuple([PartitionId, Type.Unknown()]), { maxItems: WireLimits.PARTITIONS }));

/** Sync backups: [service, partition, backup]. */
export const isBackupBatch = messageCheck('grid.backups', Type.Array(Type.Tuple([WireName, PartitionId, Type.Unknown()]), { maxItems: WireLimits.ITEMS }));
export const isBackupBatchAnswer = messageCheck('grid.backups answer', Type.Array(Type.Union([
  Type.Tuple([Type.Literal(1), Type.Unknown()]),
  Type.Tuple([Type.Literal(0), WireText]),
]), { maxItems: WireLimits.ITEMS }));
/** Async backups, and sync ones that ack to a remote caller: [service, partition, backup, caller, call id]. */
export const isAsyncBackupBatch = messageCheck('grid.asyncBackups', Type.Array(Type.Union([
  Type.Tuple([WireName, PartitionId, Type.Unknown()]),
  Type.Tuple([WireName, PartitionId, Type.Unknown(), MemberId, CallId]),
]), { maxItems: WireLimits.ITEMS }));
/** Backup acks to a caller: its call ids. */
export const isAckBatch = messageCheck('grid.backupAcks', Type.Array(CallId, { maxItems: WireLimits.ITEMS }));
