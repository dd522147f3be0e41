import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MalformedObjectNameError } from '../../bundles/management/server/jmxErrors.js';
import { ObjectName } from '../../bundles/management/server/objectName.js';
import { fuzzOptions } from '../support/fuzz.js';

/** Text rich in ObjectName syntax: separators, quotes, escapes, wildcards. */
const nameText = fc.oneof(
  fc.string({ unit: fc.constantFrom(':', '=', ',', '"', '\\', '*', '?', 'n', 'a', 'b', '1', '.', ' ', '\n'), maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const plain = fc.string({ unit: fc.constantFrom(...'abcxyzABC019._- @/'.split('')), minLength: 1, maxLength: 12 });
const key = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCZ019_-.'.split('')), minLength: 1, maxLength: 10 });
/** A value as a name may hold it: plain, or any text quoted by ObjectName.quote. */
const value = fc.oneof(plain, fc.string({ maxLength: 20 }).map(ObjectName.quote));
const validParts = fc.record({
  domain: fc.string({ unit: fc.constantFrom(...'abc.xyz-_019'.split('')), maxLength: 12 }),
  props: fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, minLength: 1, maxLength: 5 }),
  listPattern: fc.boolean(),
});
const written = (p: { domain: string; props: [string, string][]; listPattern: boolean }) => `${p.domain}:${p.props.map(([k, v]) => `${k}=${v}`).join(',')}${p.listPattern ? ',*' : ''}`;
const validName = validParts.map(written);

describe('fuzz: ObjectName parsing', () => {
  it('parse throws nothing but MalformedObjectNameError', () => {
    fc.assert(fc.property(fc.oneof(nameText, validName, fc.tuple(validName, nameText).map(([a, b]) => a + b)), (text) => {
      try {
        ObjectName.parse(text);
      } catch (err) {
        assert.ok(err instanceof MalformedObjectNameError, `threw ${String(err)}`);
      }
    }), fuzzOptions());
  });

  it('every name that parses round-trips through its canonical name and its written form', () => {
    fc.assert(fc.property(fc.oneof(validName, nameText), (text) => {
      const name = ObjectName.tryParse(text);
      if (!name) return;
      assert.equal(ObjectName.parse(name.canonicalName).canonicalName, name.canonicalName);
      assert.equal(ObjectName.parse(name.toString()).canonicalName, name.canonicalName);
      assert.equal(ObjectName.parse(name.canonicalName).isPattern, name.isPattern);
    }), fuzzOptions());
  });

  it('well-formed names parse, and their key properties come back as written', () => {
    fc.assert(fc.property(validParts, (parts) => {
      const name = ObjectName.parse(written(parts));
      assert.equal(name.domain, parts.domain);
      for (const [k, v] of parts.props) assert.equal(name.getKeyProperty(k), v);
      assert.equal(name.keyPropertyListString, parts.props.map(([k, v]) => `${k}=${v}`).join(','));
    }), fuzzOptions());
  });

  it('quote and unquote are inverse for any text, and a quoted value always parses', () => {
    fc.assert(fc.property(nameText, (text) => {
      assert.equal(ObjectName.unquote(ObjectName.quote(text)), text);
      const name = ObjectName.parse(`d:k=${ObjectName.quote(text)}`);
      assert.equal(ObjectName.unquote(name.getKeyProperty('k') ?? ''), text);
    }), fuzzOptions());
  });

  it('pattern matching answers for any pattern and name', () => {
    const wild = fc.string({ unit: fc.constantFrom('*', '?', 'a', 'b'), minLength: 1, maxLength: 24 });
    fc.assert(fc.property(wild, wild, validName, (domainPattern, valuePattern, concrete) => {
      const pattern = ObjectName.tryParse(`${domainPattern}:k=${valuePattern},*`);
      const name = ObjectName.parse(concrete);
      if (pattern) assert.equal(typeof pattern.matches(name), 'boolean');
    }), fuzzOptions());
  });
});
