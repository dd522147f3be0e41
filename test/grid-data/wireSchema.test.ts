import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bytes, GridMemberSchema, wireCheck } from '../../bundles/grid/spi/wireSchema.js';
import Type from 'typebox';
import { isHeartbeat } from '../../bundles/grid/cluster/controlSchemas.js';

const member = { id: 'a1b2', address: '127.0.0.1:5701', route: 'OX1', version: '3.0', lite: false, dataMember: true };

test('a member passes its schema; a field of the wrong type or length is named', () => {
  const isMember = wireCheck(GridMemberSchema);
  assert.equal(isMember(member), true);
  assert.equal(isMember({ ...member, lite: 'no' }), false);
  assert.match(isMember.explain({ ...member, id: 'x'.repeat(65) }), /^\/id /);
});

test('bytes are bounded: an object posing as a buffer is refused', () => {
  const isNonce = wireCheck(Type.Object({ nonce: Bytes(16, 32) }));
  assert.equal(isNonce({ nonce: Buffer.alloc(16) }), true);
  assert.equal(isNonce({ nonce: Buffer.alloc(33) }), false);
  assert.equal(isNonce({ nonce: { length: 3e8 } }), false);
  assert.match(isNonce.explain({ nonce: { length: 3e8 } }), /\/nonce must be 16 to 32 bytes/);
});

test('a heartbeat may carry the sender\'s memory; one without it (a member of protocol 3.0) is still a heartbeat', () => {
  const heartbeat = { t: Date.now(), v: 3, h: 'ab12', m: 'a1b2', you: true, e: 1 };
  const memory = process.memoryUsage();
  assert.equal(isHeartbeat(heartbeat), true);
  assert.equal(isHeartbeat({ ...heartbeat, mem: [memory.heapUsed, memory.heapTotal, memory.rss] }), true);
  for (const bad of [[1, 2], [1, 2, 3, 4], [-1, 2, 3], [1.5, 2, 3], ['1', 2, 3], [Number.NaN, 2, 3]]) {
    assert.equal(isHeartbeat({ ...heartbeat, mem: bad }), false, JSON.stringify(bad));
  }
  assert.match(isHeartbeat.explain({ ...heartbeat, mem: [-1, 2, 3] }), /^\/mem\/0 /);
});
