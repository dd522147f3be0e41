import fc from 'fast-check';

/** The parts of a (typebox, JSON-schema shaped) wire schema the generators read. */
interface Shape {
  type?: string;
  anyOf?: Shape[];
  const?: unknown;
  items?: Shape | Shape[];
  properties?: Record<string, Shape>;
  required?: string[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  bytes?: [number, number];
  additionalProperties?: boolean;
}

/** Collections and strings are generated up to this size, so thousands of cases stay fast. */
const GENERATED = 6;

const clip = (n: number | undefined, fallback: number) => (n === undefined ? fallback : n);

/** Values matching `schema`, generated from its shape (typebox's JSON form plus the `bytes` bounds of `Bytes`). */
export function wellFormed(schema: unknown): fc.Arbitrary<unknown> {
  const s = schema as Shape;
  if (s.bytes) return fc.uint8Array({ minLength: s.bytes[0], maxLength: Math.min(s.bytes[1], s.bytes[0] + GENERATED) }).map((a) => Buffer.from(a));
  if (s.anyOf) return fc.oneof(...s.anyOf.map(wellFormed));
  if ('const' in s) return fc.constant(s.const);
  switch (s.type) {
    case 'string': {
      const min = clip(s.minLength, 0);
      return fc.string({ minLength: min, maxLength: Math.min(clip(s.maxLength, GENERATED), min + GENERATED) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(clip(s.minimum, -(2 ** 31)), -(2 ** 31)), max: Math.min(clip(s.maximum, 2 ** 31 - 1), 2 ** 31 - 1) })
        .chain((n) => fc.constantFrom(n, clip(s.maximum, n), clip(s.minimum, n)));
    case 'number':
      return fc.double({ min: clip(s.minimum, -1e15), max: clip(s.maximum, 1e15), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
      return fc.constant(undefined);
    case 'array': {
      if (Array.isArray(s.items)) return fc.tuple(...s.items.map(wellFormed));
      const min = clip(s.minItems, 0);
      return fc.array(wellFormed(s.items), { minLength: min, maxLength: Math.min(clip(s.maxItems, GENERATED), min + GENERATED) });
    }
    case 'object': {
      const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, wellFormed(v)]));
      return fc.record(props, { requiredKeys: s.required ?? [] });
    }
    default:
      // Unknown: checked later by another schema (a service's payload inside a frame).
      return fc.jsonValue();
  }
}

/** Ten objects deep where a leaf value is expected: a nesting no schema allows there. */
const deep = (() => {
  let v: unknown = 'deep';
  for (let i = 0; i < 10; i++) v = { k: v };
  return v;
})();

/** Values that break one bound or type of a leaf of `s` (none when it accepts anything). */
function brokenLeaf(s: Shape): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (s.bytes) {
    out.push(fc.constant('not bytes'), fc.constant({ length: 3 }));
    if (s.bytes[1] <= 4096) out.push(fc.constant(Buffer.alloc(s.bytes[1] + 1)));
    return out;
  }
  if ('const' in s) return [fc.constant(typeof s.const === 'string' ? 7 : 'other'), fc.constant(deep)];
  switch (s.type) {
    case 'string':
      out.push(fc.constant(7), fc.constant(deep), fc.constant(null));
      if (s.maxLength !== undefined) out.push(fc.constant('x'.repeat(s.maxLength + 1)));
      if (s.minLength) out.push(fc.constant(''));
      return out;
    case 'integer':
    case 'number':
      out.push(fc.constant('7'), fc.constant(deep), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY));
      if (s.type === 'integer') out.push(fc.constant(1.5));
      if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) out.push(fc.constant(s.maximum + 1));
      if (s.minimum !== undefined && s.minimum > -Number.MAX_SAFE_INTEGER) out.push(fc.constant(s.minimum - 1));
      return out;
    case 'boolean':
      return [fc.constant(1), fc.constant('true'), fc.constant(deep)];
    case 'null':
    case 'undefined':
      return [fc.constant(0), fc.constant(deep)];
    default:
      return out;
  }
}

/**
 * Values that break `schema` in exactly one place: a leaf of the wrong type or out of its bounds,
 * an item too many or too few, an unknown property, a value ten objects deep. In a union, one
 * branch is broken past its discriminating first item (or `t`), so no other branch takes it.
 */
export function malformed(schema: unknown): fc.Arbitrary<unknown>[] {
  const s = schema as Shape;
  if (s.anyOf) return s.anyOf.flatMap((b) => (isDiscriminated(b) ? malformedKeepingTag(b) : []));
  if (s.type === 'array' && Array.isArray(s.items)) {
    const items = s.items;
    const all = items.map(wellFormed);
    const out: fc.Arbitrary<unknown>[] = [fc.tuple(...all).map((t) => [...t, 'extra']), fc.tuple(...all).map((t) => t.slice(0, -1))];
    items.forEach((item, i) => {
      for (const bad of malformed(item)) out.push(fc.tuple(...all.map((a, j) => (j === i ? bad : a))));
    });
    return out;
  }
  if (s.type === 'array' && s.items && !Array.isArray(s.items)) {
    const out = malformed(s.items).map((bad) => fc.tuple(wellFormed(s.items), bad).map(([a, b]) => [a, b]));
    if (s.maxItems !== undefined && s.maxItems <= 4096) out.push(fc.constant(null).chain(() => fc.array(wellFormed(s.items), { minLength: 1, maxLength: 1 }).map((one) => Array(s.maxItems! + 1).fill(one[0]))));
    return [...out, fc.constant('not a list'), fc.constant(deep)];
  }
  if (s.type === 'object') {
    const base = wellFormed(s) as fc.Arbitrary<Record<string, unknown>>;
    const out: fc.Arbitrary<unknown>[] = [fc.constant(deep), fc.constant([])];
    if (s.additionalProperties === false) out.push(base.map((o) => ({ ...o, extra: deep })));
    for (const key of s.required ?? []) {
      out.push(base.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key))));
      for (const bad of malformed(s.properties![key])) out.push(fc.tuple(base, bad).map(([o, b]) => ({ ...o, [key]: b })));
    }
    return out;
  }
  return brokenLeaf(s);
}

function isDiscriminated(s: Shape): boolean {
  if (s.type === 'array' && Array.isArray(s.items)) return s.items.length > 1;
  return s.type === 'object' && s.properties?.t !== undefined;
}

/** A union branch broken anywhere but in the tag that chooses it. */
function malformedKeepingTag(s: Shape): fc.Arbitrary<unknown>[] {
  if (s.type === 'object') {
    const base = wellFormed(s) as fc.Arbitrary<Record<string, unknown>>;
    return (s.required ?? []).filter((k) => k !== 't').flatMap((key) => malformed(s.properties![key]).map((bad) => fc.tuple(base, bad).map(([o, b]) => ({ ...o, [key]: b }))));
  }
  const items = s.items as Shape[];
  const all = items.map(wellFormed);
  return items.slice(1).flatMap((item, k) => malformed(item).map((bad) => fc.tuple(...all.map((a, j) => (j === k + 1 ? bad : a)))));
}
