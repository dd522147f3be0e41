import Type from 'typebox';
import { MERGE_POLICIES } from '../data/dataConfig.js';
import { Bytes, Count, MemberId, messageCheck, Millis, type WireCheck, WireLimits, WireName } from '../spi/wireSchema.js';
import { Op } from './mapOps.js';

const MapName = WireName;
const Key = Type.String({ maxLength: WireLimits.KEY });
/** A serialized value: the frame size bounds it (`map.maxValueSize` is enforced where values are written). */
const Value = Bytes(0, 2 ** 31);
const MaybeValue = Type.Union([Value, Type.Undefined(), Type.Null()]);
const Ttl = Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const codes = (...c: number[]) => Type.Union(c.map((x) => Type.Literal(x)));

/** A record as it travels in backups, migrations and merges: key, value, created, updated, accessed, hits, expires. */
export const WireRecordSchema = Type.Tuple([Key, Value, Millis, Millis, Millis, Count, Millis]);

/** The operations of `mapOps.ts` as a partition owner receives them. */
export const isMapOp = messageCheck('map operation', Type.Union([
  Type.Tuple([codes(Op.GET, Op.REMOVE, Op.DELETE, Op.CONTAINS, Op.TOUCH), MapName, Key]),
  Type.Tuple([codes(Op.PUT, Op.SET, Op.PUT_IF_ABSENT, Op.REPLACE), MapName, Key, Value, Ttl]),
  Type.Tuple([Type.Literal(Op.REPLACE_IF_SAME), MapName, Key, Value, Value]),
  Type.Tuple([codes(Op.SIZE, Op.ENTRIES, Op.KEYS, Op.CLEAR), MapName]),
  Type.Tuple([Type.Literal(Op.MERGE), MapName, Type.Union([Type.Literal(''), ...MERGE_POLICIES.map((p) => Type.Literal(p))]), Type.Array(WireRecordSchema, { maxItems: WireLimits.ITEMS })]),
  // Last: typebox reports a bounded number of errors, and the telling one of an older branch must stay among them.
  Type.Tuple([Type.Literal(Op.ENTRY_VIEW), MapName, Key]),
]));

/** Backups: set a record, delete a key, clear a map's partition. */
export const isMapBackup = messageCheck('map backup', Type.Union([
  Type.Tuple([Type.Literal('s'), MapName, Key, Value, Millis, Millis, Millis, Count, Millis]),
  Type.Tuple([Type.Literal('d'), MapName, Key]),
  Type.Tuple([Type.Literal('c'), MapName]),
]));

/** A migration chunk: records per map. */
export const isMapChunk = messageCheck('map replica chunk', Type.Array(Type.Tuple([MapName, Type.Array(WireRecordSchema, { maxItems: WireLimits.ITEMS })]), { maxItems: WireLimits.ITEMS }));

const isValueAnswer = messageCheck('map value answer', MaybeValue);
const isFlagAnswer = messageCheck('map flag answer', Type.Boolean());
const isCountAnswer = messageCheck('map count answer', Count);
const isKeysAnswer = messageCheck('map keys answer', Type.Array(Key, { maxItems: WireLimits.ITEMS }));
const isEntriesAnswer = messageCheck('map entries answer', Type.Array(Type.Tuple([Key, Value]), { maxItems: WireLimits.ITEMS }));
/** `WireEntryView` (entryView.ts), or null when the key is absent. */
const isEntryViewAnswer = messageCheck('map entry view answer', Type.Union([
  Type.Null(),
  Type.Tuple([Value, Millis, Millis, Millis, Count, Millis, Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER }), Count, Type.String({ minLength: 1, maxLength: WireLimits.ADDRESS })]),
]));

/** What the owner answers to `op` (already checked by `isMapOp`). */
export function mapAnswerCheck(op: unknown): WireCheck<unknown> {
  switch ((op as [number])[0]) {
    case Op.CONTAINS:
    case Op.TOUCH:
    case Op.REPLACE_IF_SAME:
      return isFlagAnswer;
    case Op.SIZE:
    case Op.CLEAR:
    case Op.MERGE:
      return isCountAnswer;
    case Op.KEYS:
      return isKeysAnswer;
    case Op.ENTRIES:
      return isEntriesAnswer;
    case Op.ENTRY_VIEW:
      return isEntryViewAnswer;
    default:
      return isValueAnswer;
  }
}

type EventType = 'added' | 'updated' | 'removed' | 'evicted' | 'expired';
const EVENT_TYPES: readonly EventType[] = ['added', 'updated', 'removed', 'evicted', 'expired'];
const EventTypeSchema = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

/** A member's interests in map events: [map, event types, with values]. */
export const isMapInterests = messageCheck('grid.mapListen', Type.Array(
  Type.Tuple([MapName, Type.Array(EventTypeSchema, { maxItems: EVENT_TYPES.length }), Type.Boolean()]),
  { maxItems: WireLimits.ITEMS },
));

/** One entry event: [map, type, key, value, old value, member]. */
export const isMapEvent = messageCheck('grid.mapEvent', Type.Tuple([MapName, EventTypeSchema, Key, MaybeValue, MaybeValue, MemberId]));
