export const TOPIC_SERVICE = 'topic';

/** Operation codes of topic operations on a ring's owner. */
export const TopicOp = { PUBLISH: 0, READ: 1 } as const;
export type TopicOpPayload =
  | [typeof TopicOp.PUBLISH, string, Buffer, string, number]
  | [typeof TopicOp.READ, string, number, number, number];
