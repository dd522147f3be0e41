import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listsUsStale } from '../../bundles/grid/cluster/prober.js';

const status = (masterId: string, memberIds: string[]) => ({ joined: true, masterId, masterAddress: `127.0.0.${masterId.slice(1)}:5701`, viewVersion: 7, memberIds });

test('a master frozen past its removal still lists the prober: its list is stale, not another cluster', () => {
  // m3 was paused; m2 took over with m1, m4, m5 and probes m3, which still lists all five.
  assert.equal(listsUsStale(status('m3', ['m3', 'm2', 'm1', 'm4', 'm5']), 'm2'), true);
});

test('after a bridge partition the two masters do not list each other: a real split brain, merged by size', () => {
  // m1 saw both sides and is still on both lists; the masters m5 and m2 are each on one only.
  assert.equal(listsUsStale(status('m2', ['m2', 'm4', 'm1']), 'm5'), false);
  assert.equal(listsUsStale(status('m5', ['m5', 'm1', 'm3']), 'm2'), false);
});
