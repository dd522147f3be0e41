import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PREVIEW_CHARS, previewOf } from '../../bundles/grid/management/entryViewOperation.js';

describe('entry view previews', () => {
  it('shows text as it is and cuts it at the preview length', () => {
    assert.deepEqual(previewOf('héllo'), { preview: 'héllo', truncated: false });
    const long = 'ab'.repeat(PREVIEW_CHARS);
    assert.deepEqual(previewOf(long), { preview: long.slice(0, PREVIEW_CHARS), truncated: true });
    assert.deepEqual(previewOf('a'.repeat(PREVIEW_CHARS)), { preview: 'a'.repeat(PREVIEW_CHARS), truncated: false });
  });

  it('never ends on half a surrogate pair', () => {
    const text = `${'a'.repeat(PREVIEW_CHARS - 1)}😀tail`;
    const { preview, truncated } = previewOf(text);
    assert.equal(truncated, true);
    assert.equal(preview, 'a'.repeat(PREVIEW_CHARS - 1));
  });

  it('shows binary values as hex, of only as many bytes as fit', () => {
    const small = randomBytes(20);
    assert.deepEqual(previewOf(small), { preview: small.toString('hex'), truncated: false });
    const big = randomBytes(100 * 1024);
    assert.deepEqual(previewOf(big), { preview: big.subarray(0, PREVIEW_CHARS / 2).toString('hex'), truncated: true });
    assert.deepEqual(previewOf(big.subarray(0, PREVIEW_CHARS / 2)), { preview: big.subarray(0, PREVIEW_CHARS / 2).toString('hex'), truncated: false });
  });

  it('shows structured values as JSON, with secret-looking fields hidden', () => {
    const session = { id: 'abc', secret: randomBytes(16).toString('hex'), user: 'alice', nested: { password: 'pw', count: 3n } };
    const { preview, truncated } = previewOf(session);
    assert.equal(truncated, false);
    assert.deepEqual(JSON.parse(preview), { id: 'abc', secret: '(hidden)', user: 'alice', nested: { password: '(hidden)', count: '3' } });
    assert.deepEqual(JSON.parse(previewOf([1, new Map([['k', 2]]), new Set([3])]).preview), [1, { k: 2 }, [3]]);
    assert.equal(previewOf(42).preview, '42');
  });
});
