import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GridMember } from '../../bundles/grid/api.js';
import type { MapConfig } from '../../bundles/grid/map/mapConfig.js';
import { MapReplicas } from '../../bundles/grid/map/mapReplicas.js';
import { RecordStores } from '../../bundles/grid/map/recordStore.js';
import type { PartitionTable } from '../../bundles/grid/partition/partitionTable.js';
import { ReplicaSync } from '../../bundles/grid/partition/replicaSync.js';
import type { ClusterSpi, MembershipChange } from '../../bundles/grid/spi/clusterSpi.js';

const member = (id: string): GridMember => ({ id, address: `${id}:5701`, route: id, version: '2.0', lite: false, dataMember: true });

/** A ReplicaSync for member `a`, the connection and membership events it hears, and tables in order. */
function tracker() {
  let lost: (id: string) => void = () => undefined;
  let changed: (c: MembershipChange) => void = () => undefined;
  const spi = {
    onConnectionLost: (l: (id: string) => void) => {
      lost = l;
      return () => undefined;
    },
    onMembershipChange: (l: (c: MembershipChange) => void) => {
      changed = l;
      return () => undefined;
    },
  } as unknown as ClusterSpi;
  const sync = new ReplicaSync(spi);
  let table: PartitionTable = { version: 0, replicas: [[], []], safe: false };
  /** Installs the next table (one version on unless `version` says otherwise); `mine`: partitions whose migration `a` ran. */
  const apply = (replicas: string[][], mine: number[] = [], version = table.version + 1) => {
    const next = { version, replicas, safe: false };
    sync.tableChanged(table, next, 'a', (p) => mine.includes(p));
    table = next;
  };
  const exact = (p: number) => [...(sync.exactReplicas(p) ?? [])].sort();
  return { sync, apply, exact, lose: (id: string) => lost(id), leave: (id: string) => changed({ view: { version: 2, members: [] }, added: [], removed: [member(id)], graceful: false }) };
}

test('after the commit of its own migration the owner knows every target exact, until a connection is lost', () => {
  const t = tracker();
  t.apply([['a'], ['a']]);
  assert.deepEqual(t.exact(0), []);
  t.apply([['a', 'b', 'c'], ['a']], [0]);
  assert.deepEqual(t.exact(0), ['b', 'c']);
  t.lose('b');
  assert.deepEqual(t.exact(0), ['c']);
  t.leave('c');
  assert.deepEqual(t.exact(0), []);
});

test('a promotion it did not see as a migration commit leaves nothing known', () => {
  const t = tracker();
  t.apply([['x', 'a', 'b'], ['a']]);
  // The owner x was lost: a and b are what x sent them, not necessarily the same.
  t.apply([['a', 'b'], ['a']]);
  assert.equal(t.sync.exactReplicas(0), undefined);
});

test('becoming owner by another source\'s migration commit makes every replica in it exact', () => {
  const t = tracker();
  t.apply([['x', 'a'], ['a']]);
  t.apply([['a', 'd'], ['a']]);
  assert.deepEqual(t.exact(0), ['d']);
  // Not the owner any more: nothing to know.
  t.apply([['d', 'a'], ['a']]);
  assert.equal(t.sync.exactReplicas(0), undefined);
});

test('a skipped table version forgets everything; the periodic re-send of the same table does not', () => {
  const t = tracker();
  t.apply([['a', 'b'], ['a', 'b']], [0, 1]);
  t.apply([['a', 'b'], ['a', 'b']], [], 1);
  assert.deepEqual(t.exact(0), ['b']);
  t.apply([['a', 'b'], ['a', 'b']], [1], 3);
  assert.equal(t.sync.exactReplicas(0), undefined);
  assert.deepEqual(t.exact(1), ['b'], 'its own migration commit still counts after a gap');
});

test('a replica that leaves the list is dropped; one that joins without this member\'s migration is not trusted', () => {
  const t = tracker();
  t.apply([['a', 'b', 'c'], ['a']], [0]);
  t.apply([['a', 'c'], ['a']]);
  assert.deepEqual(t.exact(0), ['c']);
  t.apply([['a', 'c', 'e'], ['a']]);
  assert.deepEqual(t.exact(0), ['c']);
});

test('a kept map replica covers its new index only where it is backed up exactly as at its old one', () => {
  const stores = new RecordStores(1);
  const config = (name: string): MapConfig => ({ name, backupCount: name === 'two' ? 2 : 1, asyncBackupCount: 0, readBackupData: false, maxIdleSeconds: 0, timeToLiveSeconds: 0 });
  const replicas = new MapReplicas(stores, config);
  stores.container(0).store('one');
  assert.equal(replicas.covers(0, 1, 0), true, 'a backup promoted to owner');
  assert.equal(replicas.covers(0, 2, 1), false, 'index 2 holds none of a map with one backup');
  assert.equal(replicas.covers(0, 1, 2), false, 'kept at index 2 it would go stale');
  assert.equal(replicas.covers(0, 2, 3), true, 'neither index holds it');
  stores.container(0).store('two');
  assert.equal(replicas.covers(0, 2, 0), false, 'one of the maps is missing at index 2');
});
