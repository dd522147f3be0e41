import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HttpRequest } from '../../bundles/http/api.js';
import { jolokiaChangesState } from '../../bundles/management/jolokia/endpoint.js';
import { parseGetPath, parsePostRequest, splitEscaped, toConfig } from '../../bundles/management/jolokia/requestParser.js';
import { IllegalArgumentError } from '../../bundles/management/server/jmxErrors.js';
import { fuzzOptions } from '../support/fuzz.js';

/** Text rich in what the parsers look at: slashes, Jolokia's `!` escapes, ObjectName syntax. */
const pathText = fc.oneof(
  fc.string({ unit: fc.constantFrom('/', '!', '*', ':', '=', ',', '"', 'a', 'b', '1', '.', '%', ' '), maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const TYPES = ['read', 'write', 'exec', 'search', 'list', 'version', 'READ', 'Exec', 'bogus'];

/** Jolokia's escape of one path element (the inverse of splitEscaped). */
const escape = (part: string) => part.replace(/!/g, '!!').replace(/\//g, '!/');

/** Runs `fn`; the only error it may throw is the documented IllegalArgumentError. */
function onlyDocumentedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof IllegalArgumentError, `threw ${String(err)}`);
  }
}

describe('fuzz: Jolokia GET paths', () => {
  it('parseGetPath throws nothing but IllegalArgumentError', () => {
    fc.assert(fc.property(fc.oneof(pathText, fc.tuple(fc.constantFrom(...TYPES), pathText).map(([t, p]) => `/${t}/${p}`)), (path) => {
      onlyDocumentedErrors(() => parseGetPath(path));
    }), fuzzOptions());
  });

  it('escaped elements split back into themselves', () => {
    fc.assert(fc.property(fc.array(pathText, { minLength: 1, maxLength: 6 }), (parts) => {
      assert.deepEqual(splitEscaped(parts.map(escape).join('/')), parts);
    }), fuzzOptions());
  });

  it('read and exec paths round-trip: the MBean, attribute, operation and arguments come back', () => {
    const element = pathText.filter((p) => p !== '' && p !== '*');
    fc.assert(fc.property(element, element, fc.array(pathText.filter((p) => p !== ''), { maxLength: 3 }), (mbean, name, args) => {
      const read = parseGetPath(`/read/${escape(mbean)}/${escape(name)}`);
      assert.deepEqual([read.type, read.mbean, read.attribute], ['read', mbean, name]);
      const exec = parseGetPath(`/exec/${[mbean, name, ...args].map(escape).join('/')}`);
      assert.deepEqual([exec.type, exec.mbean, exec.operation, exec.arguments], ['exec', mbean, name, args]);
    }), fuzzOptions());
  });

  it('whether a GET changes state is answered for any URL, and is true for every exec and write', () => {
    fc.assert(fc.property(pathText, fc.constantFrom('exec', 'write', 'read', 'list'), (rest, type) => {
      const url = `/monitoring/jolokia/${type}/${encodeURIComponent(rest)}`;
      const req = { method: 'GET', path: url, query: new URLSearchParams(), raw: { url } } as unknown as HttpRequest;
      const changes = jolokiaChangesState(req);
      let parsedType: string | undefined;
      try {
        parsedType = parseGetPath(`/${type}/${rest}`).type;
      } catch {
        parsedType = undefined;
      }
      assert.equal(changes, parsedType === 'exec' || parsedType === 'write');
    }), fuzzOptions());
  });
});

describe('fuzz: Jolokia POST bodies', () => {
  it('an object with its own "toString" member (JSON can carry one) is refused cleanly', () => {
    for (const body of ['{"type":{"toString":{}}}', '{"type":"read","mbean":"a:b=c","path":[{"toString":1}]}']) {
      assert.throws(() => parsePostRequest(JSON.parse(body)), IllegalArgumentError, body);
    }
  });

  it('parsePostRequest throws nothing but IllegalArgumentError, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => {
      onlyDocumentedErrors(() => parsePostRequest(body));
    }), fuzzOptions());
  });

  it('request-shaped objects with wrong field types are refused cleanly', () => {
    const anyField = fc.oneof(fc.jsonValue(), pathText, fc.constant(undefined));
    const request = fc.record({
      type: fc.oneof(fc.constantFrom(...TYPES), anyField), mbean: anyField, attribute: anyField, value: anyField,
      operation: anyField, arguments: anyField, path: fc.oneof(anyField, fc.array(fc.oneof(pathText, fc.jsonValue()))), config: fc.oneof(anyField, fc.dictionary(fc.constantFrom('maxDepth', 'ignoreErrors', 'canonicalNaming', 'maxCollectionSize'), anyField)),
    }, { requiredKeys: [] });
    fc.assert(fc.property(request, (body) => {
      onlyDocumentedErrors(() => parsePostRequest(body));
    }), fuzzOptions());
  });

  it('a well-formed exec body round-trips into the request', () => {
    fc.assert(fc.property(pathText, pathText, fc.array(fc.jsonValue(), { maxLength: 4 }), (mbean, operation, args) => {
      const r = parsePostRequest(JSON.parse(JSON.stringify({ type: 'exec', mbean, operation, arguments: args })));
      assert.deepEqual([r.type, r.mbean, r.operation, r.arguments], ['exec', mbean, operation, JSON.parse(JSON.stringify(args))]);
    }), fuzzOptions());
  });

  it('processing parameters from a query string throw nothing but IllegalArgumentError', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('maxDepth', 'maxCollectionSize', 'ignoreErrors', 'canonicalNaming', 'other'), pathText), (query) => {
      onlyDocumentedErrors(() => toConfig(query));
    }), fuzzOptions());
  });
});
