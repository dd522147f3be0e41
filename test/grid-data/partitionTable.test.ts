import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assign, compact, partitionOf } from '../../bundles/grid/partition/partitionTable.js';

const members = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, group: `g${i}` }));
const empty = (n: number) => Array.from({ length: n }, () => [] as string[]);

test('assignment is balanced and puts owner and backup on different members', () => {
  const t = assign(empty(271), members(3), 2);
  const owners = new Map<string, number>();
  for (const r of t) {
    assert.equal(r.length, 2);
    assert.notEqual(r[0], r[1]);
    owners.set(r[0], (owners.get(r[0]) ?? 0) + 1);
  }
  for (const n of owners.values()) assert.ok(n >= 90 && n <= 91, `owner counts ${[...owners.values()]}`);
});

test('a join moves only about a quarter of the owners; a loss promotes the first backup', () => {
  const three = assign(empty(271), members(3), 2);
  const four = assign(three, members(4), 2);
  const moved = four.filter((r, p) => r[0] !== three[p][0]).length;
  assert.ok(moved >= 60 && moved <= 80, `moved ${moved} owners`);
  const lost = compact(four, (id) => id !== 'm0');
  for (let p = 0; p < 271; p++) if (four[p][0] === 'm0') assert.equal(lost[p][0], four[p][1]);
});

test('every replica index stays balanced as members join one by one, backups included', () => {
  let t = assign(empty(271), members(1), 3);
  for (let n = 2; n <= 5; n++) {
    t = assign(t, members(n), 3);
    for (let r = 0; r < Math.min(3, n); r++) {
      const counts = new Map(members(n).map((m) => [m.id, 0]));
      for (const list of t) counts.set(list[r], (counts.get(list[r]) ?? 0) + 1);
      // Owners exactly; backups within one of the fair share (the last index is fixed by the others when n = 3).
      const fair = 271 / n;
      const slack = r === 0 ? 0 : 1;
      for (const [id, c] of counts) assert.ok(c >= Math.floor(fair) - slack && c <= Math.ceil(fair) + slack, `${n} members, replica ${r}: ${id} holds ${c}`);
    }
    for (const list of t) assert.equal(new Set(list).size, Math.min(3, n));
  }
});

test('replicas go to distinct groups; fewer groups mean fewer replicas', () => {
  const ms = [{ id: 'a', group: 'x' }, { id: 'b', group: 'x' }, { id: 'c', group: 'y' }];
  const t = assign(empty(271), ms, 3);
  for (const r of t) {
    assert.equal(r.length, 2);
    assert.ok(r.includes('c'));
  }
});

test('partitionOf spreads keys over all partitions', () => {
  const hit = new Set<number>();
  for (let i = 0; i < 20000; i++) hit.add(partitionOf(`k${i}`, 271));
  assert.equal(hit.size, 271);
});
