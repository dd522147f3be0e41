import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * Bounds on what a peer may send, shared by the handshake and the services' message schemas: a
 * decoded message is checked against its schema before any of its fields is used.
 */
export const WireLimits = {
  /** Member ids are UUIDs; some slack for other id forms. */
  ID: 64,
  /** `host:port`, IPv6 hosts included. */
  ADDRESS: 300,
  ROUTE: 128,
  /** Protocol versions (`3.1`) and codebase versions (`0.3.0`). */
  VERSION: 32,
  /** Cluster, map, topic and service names. */
  NAME: 256,
  /** Reasons and error messages carried back to a peer. */
  TEXT: 4096,
  /** Members in one member list. */
  MEMBERS: 1024,
  /** Map keys (characters; `map.maxKeySize` bounds their bytes on the API side). */
  KEY: 65_536,
  /** Items in one batch, one migration chunk or one answer: the frame size is the real bound. */
  ITEMS: 1_000_000,
  /** Partitions (`hazelcast.partition.count`). */
  PARTITIONS: 65_536,
  /** Replicas of one partition. */
  REPLICAS: 8,
} as const;

/** A byte string (msgpack bin, decoded as a Buffer) of `min` to `max` bytes; `bytes` tells generators the bounds. */
export function Bytes(min: number, max: number) {
  return Type.Refine(Type.Unsafe<Buffer>(Type.Unknown({ bytes: [min, max] })), (v) => v instanceof Uint8Array && v.length >= min && v.length <= max, () => `must be ${min} to ${max} bytes`);
}

/** A member id on the wire. */
export const MemberId = Type.String({ minLength: 1, maxLength: WireLimits.ID });
/** A name (service, map, topic) on the wire. */
export const WireName = Type.String({ maxLength: WireLimits.NAME });
/** A reason or an error message carried to a peer. */
export const WireText = Type.String({ maxLength: WireLimits.TEXT });
/** A non-negative integer up to 2^53 (counters, sequences, call ids). */
export const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** A wall-clock time or a duration in ms. */
export const Millis = Type.Number({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
/** A partition id. */
export const PartitionId = Type.Integer({ minimum: 0, maximum: WireLimits.PARTITIONS - 1 });

/** A member as it introduces itself and as member lists carry it. */
export const GridMemberSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: WireLimits.ID }),
  address: Type.String({ minLength: 1, maxLength: WireLimits.ADDRESS }),
  route: Type.String({ maxLength: WireLimits.ROUTE }),
  version: Type.String({ maxLength: WireLimits.VERSION }),
  codebase: Type.Optional(Type.String({ maxLength: WireLimits.VERSION })),
  lite: Type.Boolean(),
  dataMember: Type.Boolean(),
});

/** A compiled check: a type guard, plus the first violation in words for the log line. */
export interface WireCheck<T> {
  (value: unknown): value is T;
  explain(value: unknown): string;
  /** The schema it was compiled from (for fuzzing and documentation). */
  readonly schema: TSchema;
}

const UNION_NOISE = new Set(['anyOf', 'const', 'boolean']);

/** The type a check guards: the payload type of a handler registered with it. */
export type Checked<C> = C extends WireCheck<infer T> ? T : never;

/** Compiles `schema` once (typebox generates a plain function, cheap enough for the hot path). */
export function wireCheck<S extends TSchema>(schema: S): WireCheck<Static<S>> {
  const compiled = Compile(schema);
  const check = ((value: unknown) => compiled.Check(value)) as WireCheck<Static<S>> & { schema: TSchema };
  check.explain = (value) => {
    const errors = compiled.Errors(value);
    // In a union every branch reports; the branch-choosing errors (wrong literal, extra item) say least.
    const telling = errors.some((e) => e.keyword === 'anyOf') ? errors.filter((e) => !UNION_NOISE.has(e.keyword)).at(-1) : undefined;
    const e = telling ?? errors[0];
    return e ? `${e.instancePath || '/'} ${e.message}` : 'valid';
  };
  check.schema = schema;
  return check;
}

/** Every message schema of the grid by name (`service`, `service answer`, ...), for the fuzz tests. */
export const messageSchemas = new Map<string, WireCheck<unknown>>();

/** `wireCheck` for a message kind, listed in `messageSchemas` under `name`. */
export function messageCheck<S extends TSchema>(name: string, schema: S): WireCheck<Static<S>> {
  const check = wireCheck(schema);
  messageSchemas.set(name, check as WireCheck<unknown>);
  return check;
}

/**
 * A payload that does not match its schema, found inside a handler (e.g. a batch item checked
 * against its service's schema): the messaging layer drops the sender's connection, as for a
 * violation it finds itself.
 */
export class WireViolation extends Error {
  constructor(readonly what: string, readonly violation: string) {
    super(`malformed ${what}: ${violation}`);
  }
}

/** Throws a WireViolation unless `value` passes `check`. */
export function expectWire<T>(check: WireCheck<T>, what: string, value: unknown): asserts value is T {
  if (!check(value)) throw new WireViolation(what, check.explain(value));
}
