import { it } from 'node:test';
import fc from 'fast-check';
import { fuzzOptions } from '../../test/support/fuzz.js';

// The fuzz benchmark's peer: fast-check generating strings for a property that only looks at them.
it('baseline: fast-check alone', () => {
  fc.assert(fc.property(fc.string({ maxLength: 64 }), (s) => typeof s === 'string'), fuzzOptions());
});
