import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GridMember } from '../../bundles/grid/api.js';
import { BackupAcks } from '../../bundles/grid/partition/backupAcks.js';
import { LocalRun } from '../../bundles/grid/partition/localRun.js';
import { RemoteCall } from '../../bundles/grid/partition/remoteCall.js';
import type { ClusterSpi, MembershipChange } from '../../bundles/grid/spi/clusterSpi.js';
import Type from 'typebox';
import { wireCheck } from '../../bundles/grid/spi/wireSchema.js';

const member = (id: string): GridMember => ({ id, address: `${id}:5701`, route: id, version: '2.0', lite: false, dataMember: true });

/** BackupAcks on a caller in a cluster of caller, owner and backup, whose membership the test changes. */
function acksOnCaller() {
  const members = ['caller', 'owner', 'backup'].map(member);
  let notify: (change: MembershipChange) => void = () => undefined;
  const spi = {
    local: members[0],
    view: () => ({ version: 1, members }),
    onMembershipChange: (listener: (change: MembershipChange) => void) => {
      notify = listener;
      return () => undefined;
    },
  } as unknown as ClusterSpi;
  const acks = new BackupAcks(spi, 60_000);
  const leave = (id: string) => {
    const left = members.splice(members.findIndex((m) => m.id === id), 1);
    notify({ view: { version: 2, members }, added: [], removed: left, graceful: false });
  };
  return { acks, leave };
}

/** A sent call: what settled it, and the failures handed on. */
function call(acks: BackupAcks) {
  const outcome: { settled: unknown[]; failures: string[] } = { settled: [], failures: [] };
  const c = new RemoteCall(acks, 'map', 7, 'op', Date.now() + 60_000, 60_000, (v) => outcome.settled.push(v), () => undefined,
    (_call, err) => outcome.failures.push((err as Error).message), wireCheck(Type.Unknown()));
  c.owner = 'owner';
  c.id = acks.open(c);
  return { c, outcome };
}

test('a call settles when the answer and every announced ack are in, in either order', (t) => {
  const { acks } = acksOnCaller();
  t.after(() => acks.stop());
  const first = call(acks);
  first.c.resolve(['value', ['backup']]);
  assert.deepEqual(first.outcome.settled, [], 'not before the backup acked');
  acks.acked(first.c.id);
  assert.deepEqual(first.outcome.settled, ['value']);

  const early = call(acks);
  acks.acked(early.c.id);
  early.c.resolve(['v2', ['backup']]);
  assert.deepEqual(early.outcome.settled, ['v2'], 'an ack that came before the answer counts');

  const none = call(acks);
  none.c.resolve(['v3', []]);
  assert.deepEqual(none.outcome.settled, ['v3']);
  assert.deepEqual([first, early, none].flatMap((x) => x.outcome.failures), []);
});

test('losing the owner before the acks fails the attempt; losing a backup does not hold the call up', (t) => {
  const { acks, leave } = acksOnCaller();
  t.after(() => acks.stop());
  const waitsOnBackup = call(acks);
  waitsOnBackup.c.resolve(['kept', ['backup']]);
  leave('backup');
  assert.deepEqual(waitsOnBackup.outcome.settled, ['kept']);

  const waitsOnOwner = call(acks);
  waitsOnOwner.c.resolve(['lost', ['owner', 'caller']]);
  leave('owner');
  assert.deepEqual(waitsOnOwner.outcome.settled, []);
  assert.match(waitsOnOwner.outcome.failures[0] ?? '', /owner owner was lost before its backups acknowledged/);

  const failed = call(acks);
  failed.c.reject(new Error('request timed out'));
  acks.acked(failed.c.id);
  assert.deepEqual(failed.outcome.failures, ['request timed out']);
  assert.deepEqual(failed.outcome.settled, [], 'a late ack of a failed attempt settles nothing');
});

test('a local run answers once every backup answered, failed ones included', async () => {
  const run = new LocalRun();
  const first = run.backup(['map', 1, 'a'], 1000);
  const second = run.backup(['map', 1, 'b'], 1000);
  let settled: unknown;
  const result = run.result('value').then((v) => (settled = v));
  first.resolve(true);
  await Promise.resolve();
  assert.equal(settled, undefined, 'not before the second backup answered');
  second.reject(new Error('backup member left'));
  await result;
  assert.equal(settled, 'value');
  assert.equal(await new LocalRun().result('at once'), 'at once');
});
