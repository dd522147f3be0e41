import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyCookie } from 'cookie';
import fc from 'fast-check';
import type { HttpRequest } from '../../bundles/http/api.js';
import { OriginPolicy, parseAllowedOrigins } from '../../bundles/http/originCheck.js';
import { parseCookies, splitPathParams } from '../../bundles/http/request.js';
import { cookie } from '../../bundles/login/jsessionid.js';
import { fuzzOptions } from '../support/fuzz.js';

/** RFC 6265 cookie-name (a token) and cookie-octet characters. */
const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');
const OCTET_CHARS = [...Array(0x7f).keys()].map((c) => String.fromCharCode(c))
  .filter((c) => c > ' ' && !'",;\\'.includes(c));
const cookieName = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 });
const cookieValue = fc.string({ unit: fc.constantFrom(...OCTET_CHARS), maxLength: 40 });
/** Header-ish text: printable ASCII, the separators the parsers look for, and some non-ASCII. */
const headerText = fc.oneof(
  fc.string({ unit: fc.constantFrom(';', '=', '"', ',', ' ', '%', '\t', '!', 'a', 'Z', '0', '.', ':', '/'), maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('fuzz: cookie and ;jsessionid= parsing', () => {
  it('parseCookies never throws and yields named string values', () => {
    fc.assert(fc.property(headerText, (header) => {
      for (const [name, value] of parseCookies(header)) {
        assert.ok(name.length > 0);
        assert.equal(typeof value, 'string');
      }
    }), fuzzOptions());
  });

  it('a Cookie header of distinct names parses back to the same pairs', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(cookieName, cookieValue), { selector: ([n]) => n, maxLength: 8 }), (pairs) => {
      const header = stringifyCookie(Object.fromEntries(pairs), { encode: (v) => v });
      assert.deepEqual(parseCookies(header), new Map(pairs));
    }), fuzzOptions());
  });

  it('the first of two equal names wins', () => {
    fc.assert(fc.property(cookieName, cookieValue, cookieValue, (name, first, second) => {
      assert.equal(parseCookies(`${name}=${first}; ${name}=${second}`).get(name), first);
    }), fuzzOptions());
  });

  it('a Set-Cookie the login bundle writes carries the value back unchanged', () => {
    const options = fc.record({ secure: fc.boolean(), sameSite: fc.constantFrom('Lax', 'Strict', 'None') });
    fc.assert(fc.property(cookieName, cookieValue, options, fc.option(fc.nat(10_000_000), { nil: undefined }), (name, value, opts, maxAge) => {
      const setCookie = cookie(name, value, opts, maxAge);
      assert.doesNotMatch(setCookie, /[\r\n]/);
      assert.equal(parseCookies(setCookie.split('; ')[0]).get(name), value);
    }), fuzzOptions());
  });

  it('a value a cookie cannot carry is refused with a TypeError, never written', () => {
    fc.assert(fc.property(cookieName, headerText.filter((v) => /[\s;\u0000-\u001f\u007f-\uffff]/u.test(v)), (name, value) => {
      assert.throws(() => cookie(name, value, { secure: false, sameSite: 'Lax' }), TypeError);
    }), fuzzOptions());
  });

  it('splitPathParams never throws, and its path never holds a ";"', () => {
    fc.assert(fc.property(headerText, (raw) => {
      const { path, params } = splitPathParams(raw);
      assert.ok(!path.includes(';'));
      assert.ok(raw.startsWith(path));
      for (const name of params.keys()) assert.equal(name, name.toLowerCase());
    }), fuzzOptions());
  });

  it('path parameters round-trip: path;name=value;... splits back into the path and the (lower-cased) names', () => {
    const segment = fc.string({ unit: fc.constantFrom(...'abcxyz/.-_~%0123456789'.split('')), maxLength: 30 });
    const paramName = fc.string({ unit: fc.constantFrom(...'abcdefjsionJSESSIONID'.split('')), minLength: 1, maxLength: 12 });
    const paramValue = fc.string({ unit: fc.constantFrom(...'0123456789.OXabc=/-'.split('')), maxLength: 30 });
    fc.assert(fc.property(segment, fc.uniqueArray(fc.tuple(paramName, paramValue), { selector: ([n]) => n.toLowerCase(), maxLength: 4 }), (path, params) => {
      const raw = `${path}${params.map(([n, v]) => `;${n}=${v}`).join('')}`;
      const split = splitPathParams(raw);
      assert.equal(split.path, path);
      assert.deepEqual(split.params, new Map(params.map(([n, v]) => [n.toLowerCase(), v])));
    }), fuzzOptions());
  });
});

describe('fuzz: the Origin/Referer check', () => {
  it('never throws on any Origin, Referer, Host or X-Forwarded-Host, and refuses foreign hosts', () => {
    const policy = new OriginPolicy(parseAllowedOrigins('https://mail.example.com'));
    const maybe = fc.option(fc.oneof(headerText, fc.webUrl(), fc.constant('null')), { nil: undefined });
    fc.assert(fc.property(maybe, maybe, maybe, maybe, (origin, referer, host, forwarded) => {
      const headers = Object.fromEntries(Object.entries({ origin, referer, host, 'x-forwarded-host': forwarded }).filter(([, v]) => v !== undefined));
      const verdict = policy.refusal({ headers } as unknown as HttpRequest);
      if (origin === undefined && referer === undefined) assert.equal(verdict, undefined);
      if (origin === 'null') assert.equal(typeof verdict, 'string');
    }), fuzzOptions());
  });

  it('parseAllowedOrigins accepts what it returns and refuses with an Error naming the entry', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.webUrl({ withQueryParameters: false, withFragments: false }), headerText), { maxLength: 4 }), (entries) => {
      try {
        const origins = parseAllowedOrigins(entries.join(','));
        assert.deepEqual(parseAllowedOrigins([...origins].join(',')), origins);
      } catch (err) {
        assert.ok(err instanceof Error && /is not an origin/.test(err.message), String(err));
      }
    }), fuzzOptions());
  });
});
