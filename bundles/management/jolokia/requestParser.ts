import { IllegalArgumentError } from '../server/jmxErrors.js';

export type JolokiaType = 'read' | 'write' | 'exec' | 'search' | 'list' | 'version';
const TYPES: readonly string[] = ['read', 'write', 'exec', 'search', 'list', 'version'];

/** Processing parameters (query string or a request's `config`). */
export interface ProcessingConfig {
  maxDepth?: number;
  maxCollectionSize?: number;
  ignoreErrors?: boolean;
  canonicalNaming?: boolean;
}

/** One Jolokia request, as in a POST body. GET requests are turned into the same shape. */
export interface JolokiaRequest {
  type: JolokiaType;
  mbean?: string;
  attribute?: string | string[] | null;
  path?: string;
  value?: unknown;
  operation?: string;
  arguments?: unknown[];
  config?: ProcessingConfig;
  /** Set for GET requests: values arrive as strings and are converted by type. */
  fromGet?: boolean;
}

/** Splits a GET path on `/`, honouring Jolokia's escapes (`!/` is a slash, `!!` an exclamation mark). */
export function splitEscaped(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '!' && i + 1 < path.length) {
      current += path[i + 1];
      i += 1;
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** A GET request from the path below `/monitoring/jolokia` (already percent-decoded). Empty: `version`. */
export function parseGetPath(path: string): JolokiaRequest {
  const parts = splitEscaped(path.replace(/^\/+/, ''));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return { type: 'version', fromGet: true };
  const [type, ...rest] = parts;
  const joinPath = (from: number) => (rest.length > from ? rest.slice(from).map(escapePathPart).join('/') : undefined);
  switch (type) {
    case 'version':
      return { type, fromGet: true };
    case 'search':
      return { type, mbean: need(rest[0], 'search needs an MBean pattern'), fromGet: true };
    case 'list':
      return { type, path: joinPath(0), fromGet: true };
    case 'read': {
      const attribute = rest[1] === undefined || rest[1] === '*' ? null : rest[1];
      return { type, mbean: need(rest[0], 'read needs an MBean name'), attribute, path: joinPath(2), fromGet: true };
    }
    case 'write':
      return {
        type, mbean: need(rest[0], 'write needs an MBean name'), attribute: need(rest[1], 'write needs an attribute'),
        value: need(rest[2], 'write needs a value'), path: joinPath(3), fromGet: true,
      };
    case 'exec':
      return { type, mbean: need(rest[0], 'exec needs an MBean name'), operation: need(rest[1], 'exec needs an operation'), arguments: rest.slice(2), fromGet: true };
    default:
      throw new IllegalArgumentError(`Invalid request type '${type}' (one of ${TYPES.join(', ')})`);
  }
}

/** Checks one element of a POST body and gives it the request's shape. */
export function parsePostRequest(raw: unknown): JolokiaRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new IllegalArgumentError('a request must be a JSON object');
  const r = raw as Record<string, unknown>;
  if (typeof r.type !== 'string' || !TYPES.includes(r.type.toLowerCase())) {
    // JSON.stringify, not String: a JSON object may carry its own "toString" member, and String() would throw on it.
    throw new IllegalArgumentError(`Invalid request type '${typeof r.type === 'string' ? r.type : JSON.stringify(r.type)}' (one of ${TYPES.join(', ')})`);
  }
  const type = r.type.toLowerCase() as JolokiaType;
  const str = (key: string, required: boolean): string | undefined => {
    const v = r[key];
    if (v === undefined || v === null) {
      if (required) throw new IllegalArgumentError(`${type} needs '${key}'`);
      return undefined;
    }
    if (typeof v !== 'string') throw new IllegalArgumentError(`'${key}' must be a string`);
    return v;
  };
  const attribute = r.attribute;
  if (attribute !== undefined && attribute !== null && typeof attribute !== 'string'
    && !(Array.isArray(attribute) && attribute.every((a) => typeof a === 'string'))) {
    throw new IllegalArgumentError("'attribute' must be a string or an array of strings");
  }
  if (r.arguments !== undefined && r.arguments !== null && !Array.isArray(r.arguments)) throw new IllegalArgumentError("'arguments' must be an array");
  if (r.config !== undefined && (typeof r.config !== 'object' || r.config === null)) throw new IllegalArgumentError("'config' must be an object");
  const request: JolokiaRequest = { type, config: r.config ? toConfig(r.config as Record<string, unknown>) : undefined };
  if (type === 'read' || type === 'write' || type === 'exec' || type === 'search') request.mbean = str('mbean', true);
  if (type === 'read') request.attribute = (attribute as string | string[] | null | undefined) ?? null;
  if (type === 'write') {
    request.attribute = str('attribute', true);
    if (!('value' in r)) throw new IllegalArgumentError("write needs 'value'");
    request.value = r.value;
  }
  if (type === 'exec') {
    request.operation = str('operation', true);
    request.arguments = (r.arguments as unknown[] | undefined) ?? [];
  }
  if (type === 'read' || type === 'write' || type === 'list') {
    const path = r.path;
    if (Array.isArray(path)) {
      if (!path.every((p) => typeof p === 'string' || typeof p === 'number')) throw new IllegalArgumentError("'path' must be a string or an array of strings");
      request.path = path.map((p) => escapePathPart(String(p))).join('/');
    }
    else request.path = str('path', false);
  }
  return request;
}

/** Processing parameters from a query string or a `config` object; unknown keys are ignored. */
export function toConfig(source: Record<string, unknown>): ProcessingConfig {
  const int = (key: string): number | undefined => {
    const v = source[key];
    if (v === undefined || v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new IllegalArgumentError(`processing parameter ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const bool = (key: string): boolean | undefined => {
    const v = source[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new IllegalArgumentError(`processing parameter ${key} must be true or false, got ${JSON.stringify(v)}`);
  };
  return { maxDepth: int('maxDepth'), maxCollectionSize: int('maxCollectionSize'), ignoreErrors: bool('ignoreErrors'), canonicalNaming: bool('canonicalNaming') };
}

function need(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw new IllegalArgumentError(message);
  return value;
}

function escapePathPart(part: string): string {
  return part.replace(/!/g, '!!').replace(/\//g, '!/');
}
