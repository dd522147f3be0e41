import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bytes, GridMemberSchema, wireCheck } from '../../bundles/grid/spi/wireSchema.js';
import Type from 'typebox';

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
