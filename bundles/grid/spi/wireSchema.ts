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
  /** Protocol versions (`3.0`) and codebase versions (`0.2.0`). */
  VERSION: 32,
  /** Cluster, map, topic and service names. */
  NAME: 256,
  /** Reasons and error messages carried back to a peer. */
  TEXT: 4096,
  /** Members in one member list. */
  MEMBERS: 1024,
} as const;

/** A byte string (msgpack bin, decoded as a Buffer) of `min` to `max` bytes. */
export function Bytes(min: number, max: number) {
  return Type.Refine(Type.Unknown(), (v) => v instanceof Uint8Array && v.length >= min && v.length <= max, () => `must be ${min} to ${max} bytes`);
}

/** A member as it introduces itself and as member lists carry it. */
export const GridMemberSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: WireLimits.ID }),
  address: Type.String({ minLength: 1, maxLength: WireLimits.ADDRESS }),
  route: Type.String({ maxLength: WireLimits.ROUTE }),
  version: Type.String({ maxLength: WireLimits.VERSION }),
  lite: Type.Boolean(),
  dataMember: Type.Boolean(),
});

/** A compiled check: a type guard, plus the first violation in words for the log line. */
export interface WireCheck<T> {
  (value: unknown): value is T;
  explain(value: unknown): string;
}

/** Compiles `schema` once (typebox generates a plain function, cheap enough for the hot path). */
export function wireCheck<S extends TSchema>(schema: S): WireCheck<Static<S>> {
  const compiled = Compile(schema);
  const check = ((value: unknown) => compiled.Check(value)) as WireCheck<Static<S>>;
  check.explain = (value) => {
    const first = compiled.Errors(value)[0];
    return first ? `${first.instancePath || '/'} ${first.message}` : 'valid';
  };
  return check;
}
