import Type from 'typebox';
import { Bytes, Count, MemberId, messageCheck, Millis, type WireCheck, WireLimits, WireName } from '../spi/wireSchema.js';
import { TopicOp } from './topicOps.js';

/** Messages one read may ask for (a reader asks for 256). */
export const MAX_READ = 10_000;

const Payload = Bytes(0, 2 ** 31);
/** A stored message: sequence, msgpack payload, publisher id, publish time. */
const Item = Type.Tuple([Count, Payload, MemberId, Millis]);
const Items = Type.Array(Item, { maxItems: WireLimits.ITEMS });

/** Publish [0, topic, payload, publisher, time] and read [1, topic, from (-1: since), max, since]. */
export const isTopicOp = messageCheck('topic operation', Type.Union([
  Type.Tuple([Type.Literal(TopicOp.PUBLISH), WireName, Payload, MemberId, Millis]),
  Type.Tuple([Type.Literal(TopicOp.READ), WireName, Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER }), Type.Integer({ minimum: 1, maximum: MAX_READ }), Millis]),
]));

/** A backup of one published message: [topic, item]. */
export const isTopicBackup = messageCheck('topic backup', Type.Tuple([WireName, Item]));

/** A migration chunk: [topic, head, items] per topic. */
export const isTopicChunk = messageCheck('topic replica chunk', Type.Array(Type.Tuple([WireName, Count, Items]), { maxItems: WireLimits.ITEMS }));

const isSequenceAnswer = messageCheck('topic publish answer', Count);
/** A read's answer: head, tail, items. */
const isReadAnswer = messageCheck('topic read answer', Type.Tuple([Count, Count, Type.Array(Item, { maxItems: MAX_READ })]));

export function topicAnswerCheck(op: unknown): WireCheck<unknown> {
  return (op as [number])[0] === TopicOp.PUBLISH ? isSequenceAnswer : isReadAnswer;
}
