import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRequest } from '../../bundles/http/api.js';
import { clientAddress, parseKnownProxies } from '../../bundles/http/clientAddress.js';
import { changesStateByMethod, OriginPolicy, parseAllowedOrigins } from '../../bundles/http/originCheck.js';

const req = (headers: Record<string, string>, method = 'POST') => ({ method, headers }) as unknown as HttpRequest;

describe('the Origin/Referer check', () => {
  const policy = new OriginPolicy(parseAllowedOrigins(' https://portal.example.com , http://10.0.0.5:8080'));

  it('passes requests without Origin and Referer, and same-host ones by Host or X-Forwarded-Host', () => {
    assert.equal(policy.refusal(req({ host: 'mail.example.com' })), undefined);
    assert.equal(policy.refusal(req({ host: 'mail.example.com', origin: 'https://mail.example.com' })), undefined);
    assert.equal(policy.refusal(req({ host: 'MAIL.example.com:443', origin: 'https://mail.example.com' })), undefined, 'default port and case');
    assert.equal(policy.refusal(req({ host: '10.1.1.1:8009', 'x-forwarded-host': 'mail.example.com', referer: 'https://mail.example.com/appsuite/' })), undefined);
  });

  it('passes allowed origins and refuses every other one, null and garbage', () => {
    assert.equal(policy.refusal(req({ host: 'mail.example.com', origin: 'https://portal.example.com' })), undefined);
    assert.equal(policy.refusal(req({ host: 'mail.example.com', origin: 'http://10.0.0.5:8080' })), undefined);
    for (const origin of ['http://portal.example.com', 'https://evil.example', 'null', 'not a url', 'https://mail.example.com.evil.example']) {
      assert.match(policy.refusal(req({ host: 'mail.example.com', origin })) ?? '', /origin|not a URL/, origin);
    }
    assert.match(policy.refusal(req({ host: 'mail.example.com', origin: 'https://evil.example', referer: 'https://mail.example.com/' })) ?? '', /evil/, 'Origin wins over Referer');
  });

  it('reads allowed origins strictly and says which entry is wrong', () => {
    assert.deepEqual(parseAllowedOrigins(''), new Set());
    assert.deepEqual(parseAllowedOrigins('https://A.example.com:443'), new Set(['https://a.example.com']));
    for (const bad of ['portal.example.com', 'https://x.example/path', 'https://user@x.example', 'file:///etc']) {
      assert.throws(() => parseAllowedOrigins(bad), new RegExp(`"${bad.replace(/[./:]/g, '\\$&')}" is not an origin`));
    }
  });

  it('counts every method but GET, HEAD and OPTIONS as changing state by default', () => {
    assert.deepEqual(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'].map((m) => changesStateByMethod(req({}, m))), [false, false, false, true, true, true, true]);
  });
});

describe('the client address behind known proxies', () => {
  const proxies = parseKnownProxies('127.0.0.1, 10.0.0.2');

  it('is the peer unless the peer is a known proxy', () => {
    assert.equal(clientAddress('192.0.2.1', '203.0.113.7', proxies), '192.0.2.1');
    assert.equal(clientAddress('::ffff:127.0.0.1', undefined, proxies), '127.0.0.1');
  });

  it('is the last forwarded hop that is not a proxy; spoofed hops left of it do not count', () => {
    assert.equal(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.7', proxies), '203.0.113.7');
    assert.equal(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.7, 10.0.0.2', proxies), '203.0.113.7');
    assert.equal(clientAddress('127.0.0.1', ['198.51.100.1', '2001:DB8::1'], proxies), '2001:db8::1');
    assert.equal(clientAddress('127.0.0.1', 'unknown, garbage', proxies), '127.0.0.1', 'a malformed hop ends the walk');
  });

  it('refuses a known proxy that is not an IP address', () => {
    assert.throws(() => parseKnownProxies('apache.local'), /"apache\.local" is not an IP address/);
  });
});
