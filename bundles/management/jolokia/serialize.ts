import { AttributeNotFoundError } from '../server/jmxErrors.js';
import { splitEscaped } from './requestParser.js';

/** Hard limit that also stops cycles when a request sets no maxDepth. */
const DEPTH_CAP = 20;

/**
 * Turns an attribute or operation value into plain JSON: Maps become objects, Sets arrays, Dates
 * ISO strings, bigints numbers; objects below `maxDepth` are cut off as Jolokia does (their string form).
 */
export function toJson(value: unknown, opts: { maxDepth?: number; maxCollectionSize?: number } = {}, depth = 0): unknown {
  const maxDepth = Math.min(opts.maxDepth || DEPTH_CAP, DEPTH_CAP);
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (depth >= maxDepth) return String(value);
  const limit = (items: unknown[]) => (opts.maxCollectionSize ? items.slice(0, opts.maxCollectionSize) : items);
  if (Array.isArray(value) || value instanceof Set) return limit([...value]).map((v) => toJson(v, opts, depth + 1));
  const entries = value instanceof Map ? [...value].map(([k, v]) => [String(k), v] as const) : Object.entries(value as object);
  return Object.fromEntries(limit(entries).map((e) => {
    const [k, v] = e as [string, unknown];
    return [k, toJson(v, opts, depth + 1)];
  }));
}

/** Follows an inner path (`used`, `members/0`, escaped with `!/`) into a JSON value. */
export function followPath(value: unknown, path: string | undefined, where: string): unknown {
  if (path === undefined || path === '') return value;
  let current = value;
  for (const part of splitEscaped(path).filter((p) => p !== '')) {
    if (Array.isArray(current)) {
      const index = Number(part);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) throw new AttributeNotFoundError(where, `${path} (no index ${part})`);
      current = current[index];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      throw new AttributeNotFoundError(where, `${path} (no key ${part})`);
    }
  }
  return current;
}
