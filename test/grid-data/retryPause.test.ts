import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PartitionService } from '../../bundles/grid/partition/partitionService.js';
import { RetryPause } from '../../bundles/grid/partition/retryPause.js';

/** A RetryPause on a partition service whose table changes when the test says so. */
function pauses() {
  let changed: () => void = () => undefined;
  const partitions = { onTableChange: (l: () => void) => (changed = l) } as unknown as PartitionService;
  return { pause: new RetryPause(partitions), tableChanged: () => changed() };
}

test('a pause runs out after its backoff when no table comes', async () => {
  const { pause } = pauses();
  assert.equal(await pause.before(1), false);
  assert.equal(await pause.before(2), false);
});

test('a new table ends every running pause, the longest backoff included, and only those', async () => {
  const { pause, tableChanged } = pauses();
  const running = Array.from({ length: 1000 }, (_, i) => pause.before(1 + (i % 20)));
  tableChanged();
  assert.deepEqual(new Set(await Promise.all(running)), new Set([true]));
  // A pause that ran out is not woken again by a later table, nor is a new pause by an old one.
  assert.equal(await pause.before(1), false);
  tableChanged();
  const next = pause.before(30);
  tableChanged();
  assert.equal(await next, true);
});
