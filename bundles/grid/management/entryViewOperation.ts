import { type MBeanOperation, MBeanArgumentError } from '../../management/api.js';
import { type DistributedMap, type EntryView, FeatureUnavailableError } from '../api.js';

/** Characters of a value's rendering an entry view shows. */
export const PREVIEW_CHARS = 512;

/**
 * A readable rendering of a value, cut to `PREVIEW_CHARS`: text as it is, binary as hex, anything
 * else as JSON with the text of secret-looking fields hidden (the `sessions` map holds each session's
 * secret). Only what the preview can show is rendered of binary values (a huge value stays cheap).
 */
export function previewOf(value: unknown): { preview: string; truncated: boolean } {
  const text = render(value);
  if (text.length <= PREVIEW_CHARS) return { preview: text, truncated: false };
  // Never end on the first half of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[PREVIEW_CHARS - 1]!) ? PREVIEW_CHARS - 1 : PREVIEW_CHARS;
  return { preview: text.slice(0, end), truncated: true };
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return hex(value, PREVIEW_CHARS / 2 + 1);
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value);
  } catch (err) {
    return `(not renderable: ${(err as Error).message})`;
  }
}

function hex(bytes: Uint8Array, max: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex');
}

/** Fields of structured values whose text is never shown (a session's secret, stored credentials). */
const HIDDEN_FIELD = /secret|passw(or)?d|token|cookie/i;

/** What JSON cannot say by itself (big integers, binary parts, Maps and Sets), and hidden fields. */
function jsonReplacer(key: string, value: unknown): unknown {
  if (HIDDEN_FIELD.test(key) && (typeof value === 'string' || typeof value === 'number')) return '(hidden)';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `0x${hex(value, PREVIEW_CHARS / 2)}`;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** The IMap MBean's `entryView(key)`: what an operator sees of one entry, never counted as a hit or an access. */
export function entryViewOperation(map: () => DistributedMap<unknown>): MBeanOperation {
  return {
    name: 'entryView',
    description: `The entry under a key, read from its partition owner: a preview of the value (first ${PREVIEW_CHARS} characters), TTL left (-1: none), idle time, hits, times and owner; {found:false} when absent`,
    params: [{ name: 'key', type: 'java.lang.String' }],
    returnType: 'java.util.Map',
    invoke: async ([key]) => {
      if (typeof key !== 'string') throw new MBeanArgumentError(`entryView needs a key (a string), got ${JSON.stringify(key)}`);
      try {
        const view = await map().getEntryView(key);
        return view ? describe(view) : { found: false };
      } catch (err) {
        // A refusal, not a failure: the cluster version lacks the operation while an older member is present.
        if (err instanceof FeatureUnavailableError) throw new MBeanArgumentError(err.message);
        throw err;
      }
    },
  };
}

function describe(view: EntryView<unknown>): Record<string, unknown> {
  const { preview, truncated } = previewOf(view.value);
  return {
    found: true,
    key: view.key,
    valuePreview: preview,
    valueBytes: view.cost,
    truncated,
    ttlMs: view.ttlMs,
    idleMs: view.idleMs,
    hits: view.hits,
    creationTime: view.creationTime,
    lastAccessTime: view.lastAccessTime,
    lastUpdateTime: view.lastUpdateTime,
    owner: view.owner,
  };
}
