import { pack } from 'msgpackr';
import { setTimeout as delay } from 'node:timers/promises';
import type { LegacyLiteMember } from './liteMember.js';

/** 0.1.0's batched partition operations (`grid.ops`) and its topic service (`topic`, op 0 = publish). */
const OPS_SERVICE = 'grid.ops';
const TOPIC_SERVICE = 'topic';
const TOPIC_PUBLISH = 0;
/** 0.1.0 marks errors worth retrying (stale table, migration) with this. */
const RETRY_MARK = '[retry]';
const ATTEMPT_TIMEOUT_MS = 2500;

/** 0.1.0's `partitionOf`: FNV-1a over the UTF-16 code units. */
function legacyPartitionOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

export interface Published {
  /** The legacy member that owns the topic's partition and took the message. */
  owner: string;
}

/**
 * Publishes on a 0.1.0 reliable topic: the message goes to the owner of the topic's partition, which
 * appends it to the ring its subscribers (every legacy node's cache-jcs) long-poll. A stale table, a
 * lost owner or a rejoin is retried until the deadline.
 */
export async function publishToLegacyTopic(member: LegacyLiteMember, topic: string, payload: unknown, timeoutMs: number): Promise<Published> {
  const deadline = Date.now() + timeoutMs;
  const body = pack(payload);
  let lastError = 'no partition table from the legacy master yet';
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      if (Date.now() >= deadline) throw new Error(`publish on legacy topic ${topic} did not complete within ${timeoutMs} ms: ${lastError}`);
      await delay(Math.min(2 ** attempt, 100));
    }
    if (!member.joined || member.replicas.length === 0) continue;
    const p = legacyPartitionOf(topic, member.replicas.length);
    const ownerId = member.replicas[p]?.[0];
    if (ownerId === undefined) {
      lastError = `partition ${p} has no owner in the legacy table`;
      continue;
    }
    const owner = member.addressOf(ownerId);
    try {
      const op = [TOPIC_PUBLISH, topic, body, member.member.id, Date.now()];
      const timeout = Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
      const [[ok, value]] = await member.peers.request<[number, unknown][]>(ownerId, owner, OPS_SERVICE, [[TOPIC_SERVICE, p, op, attempt]], timeout);
      if (!ok) throw new Error(String(value));
      return { owner };
    } catch (err) {
      const message = (err as Error).message;
      lastError = `partition ${p} owner ${owner}: ${message.replace(RETRY_MARK, '').trim()}`;
    }
  }
}
