import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { secretCookieName } from '../../bundles/login/api.js';

const hashed = (client: string) => `open-xchange-secret-${createHash('sha256').update(client).digest('hex').slice(0, 32)}`;

test('the secret cookie name of a client stays the same while more clients than the cache holds come and go', () => {
  // 1000 client names, beyond the cache's bound, twice over: evicted names must be computed again, not mixed up.
  const clients = Array.from({ length: 1000 }, (_, i) => `client-${i}-${'x'.repeat(i % 7)}`);
  for (let pass = 0; pass < 2; pass++) {
    for (const client of clients) assert.equal(secretCookieName(client), hashed(client), `pass ${pass}, client ${client}`);
  }
  assert.equal(new Set(clients.map(secretCookieName)).size, clients.length, 'distinct clients keep distinct cookie names');
});
