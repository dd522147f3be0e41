import type { MBeanType } from '../api.js';
import { IllegalArgumentError } from './jmxErrors.js';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * Converts a value sent by a client to an attribute's or parameter's JMX type. `fromString` is set
 * for GET requests, where every value arrives as a string (`[null]` is null, `""` the empty string).
 * Throws IllegalArgumentError naming `what` when the value does not fit.
 */
export function toJmxType(type: MBeanType, value: unknown, what: string, fromString = false): unknown {
  if (fromString && typeof value === 'string') value = fromGetString(type, value);
  if (value === null || value === undefined) {
    if (type === 'int' || type === 'long' || type === 'double' || type === 'boolean') {
      throw new IllegalArgumentError(`${what}: null is not a valid ${type}`);
    }
    return null;
  }
  const bad = () => new IllegalArgumentError(`${what}: ${JSON.stringify(value)} is not a valid ${type}`);
  switch (type) {
    case 'java.lang.String':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw bad();
    case 'int':
    case 'long': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw bad();
      if (type === 'int' && (n < INT_MIN || n > INT_MAX)) throw bad();
      if (type === 'long' && !Number.isSafeInteger(n)) throw bad();
      return n;
    }
    case 'double': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw bad();
    case '[Ljava.lang.String;':
    case 'java.util.List':
      if (!Array.isArray(value)) throw bad();
      if (type === '[Ljava.lang.String;' && !value.every((v) => typeof v === 'string' || v === null)) throw bad();
      return value;
    case 'java.util.Map':
      if (typeof value !== 'object' || Array.isArray(value)) throw bad();
      return value;
  }
}

/** GET values: arrays comma-separated, maps and lists as JSON. */
function fromGetString(type: MBeanType, value: string): unknown {
  if (value === '[null]') return null;
  if (value === '""') return '';
  if (type === '[Ljava.lang.String;') return value === '' ? [] : value.split(',').map((v) => (v === '[null]' ? null : v));
  if (type === 'java.util.List' || type === 'java.util.Map') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw new IllegalArgumentError(`cannot parse ${JSON.stringify(value)} as JSON for ${type}`);
    }
  }
  return value;
}
