import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import '../../bundles/grid/cluster/frameSchemas.js';
import '../../bundles/grid/cluster/controlSchemas.js';
import '../../bundles/grid/partition/partitionSchemas.js';
import '../../bundles/grid/map/mapSchemas.js';
import '../../bundles/grid/topic/topicSchemas.js';
import { messageSchemas } from '../../bundles/grid/spi/wireSchema.js';
import { fuzzOptions } from '../support/fuzz.js';
import { malformed, wellFormed } from '../support/schemaArbitrary.js';

// The transport's codec: payloads are checked as they arrive, after a msgpack round trip.
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const wire = (v: unknown): unknown => unpackr.unpack(packr.pack(v));

/** Replaces the value at a random path of `v` with `by` (or `v` itself when the path ends early). */
function mutate(v: unknown, path: number[], by: unknown): unknown {
  if (path.length === 0 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return by;
  const keys = Object.keys(v);
  if (keys.length === 0) return by;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(v) ? [...v] as unknown as Record<string, unknown> : { ...(v as Record<string, unknown>) };
  copy[key] = mutate(copy[key], path.slice(1), by);
  return copy;
}

const total = messageSchemas.size;
/** `fuzzOptions` counts cases per property over all schemas: each schema gets its share (at least 20). */
const perSchema = (inTests: number) => ({ numRuns: Math.max(20, Math.ceil(fuzzOptions(inTests).numRuns / total)) });

describe('grid message schemas (fuzz)', () => {
  it('every service of the grid, its answers and every frame kind have a registered schema', () => {
    for (const name of ['frame MESSAGE', 'frame REQUEST', 'frame RESPONSE', 'cluster.heartbeat', 'cluster.list', 'cluster.join', 'cluster.suspect', 'cluster.settings', 'cluster.settingsRequest',
      'grid.partition', 'grid.ops', 'grid.ops answer', 'grid.opAll', 'grid.backups', 'grid.asyncBackups', 'grid.backupAcks',
      'map operation', 'map backup', 'map replica chunk', 'grid.mapListen', 'grid.mapEvent', 'topic operation', 'topic backup', 'topic read answer']) {
      assert.ok(messageSchemas.has(name), `no schema registered as "${name}"`);
    }
  });

  for (const [name, check] of messageSchemas) {
    it(`${name}: accepts what its shape generates, also after the wire's round trip`, () => {
      fc.assert(fc.property(wellFormed(check.schema), (value) => {
        assert.ok(check(value), `${JSON.stringify(value)?.slice(0, 300)}: ${check.explain(value)}`);
        const decoded = wire(value);
        assert.ok(check(decoded), `after msgpack: ${check.explain(decoded)}`);
      }), perSchema(8000));
    });

    it(`${name}: never throws on random or mutated input, and explains every refusal`, () => {
      const input = fc.oneof(fc.anything(), fc.tuple(wellFormed(check.schema), fc.array(fc.nat(), { maxLength: 6 }), fc.anything()).map(([v, path, by]) => mutate(v, path, by)));
      fc.assert(fc.property(input, (value) => {
        const ok = check(value);
        assert.equal(typeof ok, 'boolean');
        if (!ok) assert.match(check.explain(value), /\S/);
      }), perSchema(8000));
    });

    const broken = malformed(check.schema);
    if (broken.length === 0) continue;
    it(`${name}: refuses values out of its bounds (a wrong type, too long, too many, too deep, unknown fields)`, () => {
      fc.assert(fc.property(fc.oneof(...broken), (value) => {
        assert.equal(check(value), false, `accepted ${JSON.stringify(value)?.slice(0, 300)}`);
        assert.notEqual(check.explain(value), 'valid');
      }), perSchema(8000));
    });
  }
});
