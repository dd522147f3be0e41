import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Bundle, defineBundle } from '../../core/bundle.js';
import { resolve } from '../../core/resolver.js';
import { serviceToken } from '../../core/serviceToken.js';

const A = serviceToken<unknown>('test.a');
const B = serviceToken<unknown>('test.b');
const C = serviceToken<unknown>('test.c');

function bundle(name: string, deps: { requires?: typeof A[]; optional?: typeof A[]; provides?: typeof A[] } = {}): Bundle {
  return defineBundle({ name, version: '1', requires: deps.requires, optionalRequires: deps.optional, provides: deps.provides, start() {} });
}

const names = (bs: readonly Bundle[]) => bs.map((b) => b.name);

describe('resolver', () => {
  it('starts providers before the bundles that require them, whatever the input order', () => {
    const top = bundle('top', { requires: [B] });
    const mid = bundle('mid', { requires: [A], provides: [B] });
    const base = bundle('base', { provides: [A] });
    const { order, unresolved } = resolve([top, mid, base]);
    assert.deepEqual(names(order), ['base', 'mid', 'top']);
    assert.equal(unresolved.size, 0);
  });

  it('orders by optional requirements too, but does not need them', () => {
    const user = bundle('user', { optional: [A, C] });
    const provider = bundle('provider', { provides: [A] });
    const { order, unresolved } = resolve([user, provider]);
    assert.deepEqual(names(order), ['provider', 'user']);
    assert.equal(unresolved.size, 0);
  });

  it('names the missing service', () => {
    const { order, unresolved } = resolve([bundle('lonely', { requires: [C] }), bundle('fine')]);
    assert.deepEqual(names(order), ['fine']);
    assert.match(unresolved.get('lonely') ?? '', /requires service "test\.c" which no bundle provides/);
  });

  it('names the bundles of a cycle and what depends on it', () => {
    const x = bundle('x', { requires: [B], provides: [A] });
    const y = bundle('y', { requires: [A], provides: [B] });
    const z = bundle('z', { requires: [A] });
    const { order, unresolved } = resolve([x, y, z, bundle('free')]);
    assert.deepEqual(names(order), ['free']);
    assert.match(unresolved.get('x') ?? '', /dependency cycle: (x -> y -> x|y -> x -> y)/);
    assert.match(unresolved.get('y') ?? '', /dependency cycle/);
    assert.match(unresolved.get('z') ?? '', /test\.a/);
  });

  it('a disabled provider makes its dependants unresolved, naming it', () => {
    const provider = bundle('provider', { provides: [A] });
    const user = bundle('user', { requires: [A] });
    const optionalUser = bundle('optional-user', { optional: [A] });
    const { order, unresolved } = resolve([provider, user, optionalUser], new Set(['provider']));
    assert.deepEqual(names(order), ['optional-user']);
    assert.match(unresolved.get('user') ?? '', /provider "provider" is disabled/);
  });

  it('unresolved propagates along a chain', () => {
    const { order, unresolved } = resolve([bundle('b', { requires: [A], provides: [B] }), bundle('c', { requires: [B] })]);
    assert.deepEqual(names(order), []);
    assert.match(unresolved.get('c') ?? '', /provider "b" is unresolved/);
  });
});
