import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignSighting, wins } from '../../bundles/grid/cluster/prober.js';

const status = (masterId: string, memberIds: string[]) => ({ joined: true, masterId, masterAddress: `127.0.0.${masterId.slice(1)}:5701`, viewVersion: 7, memberIds });

test('a master frozen past its removal still lists our members: only the members we lack count, so our cluster does not merge into it', () => {
  const ours = new Set(['m2', 'm4', 'm5', 'm1']);
  const stale = foreignSighting(status('m3', ['m3', 'm2', 'm1', 'm4', 'm5']), ours);
  assert.equal(stale.size, 1);
  assert.equal(wins({ masterId: 'm2', masterAddress: '127.0.0.2:5701', size: ours.size }, stale), true);
});

test('a cluster on the other side of a healed partition counts in full and still wins when larger', () => {
  const ours = new Set(['m1', 'm2']);
  const other = foreignSighting(status('m3', ['m3', 'm4', 'm5']), ours);
  assert.equal(other.size, 3);
  assert.equal(wins({ masterId: 'm1', masterAddress: '127.0.0.1:5701', size: ours.size }, other), false);
});
