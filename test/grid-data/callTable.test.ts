import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CallTable } from '../../bundles/grid/spi/callTable.js';

test('a call table finds, counts, deletes and lists its calls in id order', () => {
  const table = new CallTable<string>();
  for (let id = 1; id <= 5; id++) table.set(id, `call-${id}`);
  table.set(3, 'call-3 again');
  assert.equal(table.size, 5, 'setting an id twice counts it once');
  assert.equal(table.get(3), 'call-3 again');
  assert.equal(table.delete(2), true);
  assert.equal(table.delete(2), false);
  assert.equal(table.get(2), undefined);
  const seen: number[] = [];
  for (const [id, value] of table) {
    seen.push(id);
    assert.equal(value, table.get(id));
    if (id === 3) table.delete(4);
  }
  assert.deepEqual(seen, [1, 3, 5], 'an entry deleted during the iteration is not visited');
  assert.equal(table.size, 3);
  table.clear();
  assert.equal(table.size, 0);
  assert.deepEqual([...table], []);
});

test('calls that come and go in a long-lived table are not promoted by young-generation collections', () => {
  // A child process, so the GC trace covers only this loop: 300k calls, 64 pending at a time, each holding 1 KB.
  const tableModule = fileURLToPath(new URL('../../bundles/grid/spi/callTable.js', import.meta.url));
  const script = `
    const { CallTable } = await import(${JSON.stringify(tableModule)});
    const table = new CallTable();
    for (let id = 1; id <= 100; id++) table.set(-id, {});
    globalThis.gc(); globalThis.gc();
    for (let id = 1; id <= 300000; id++) {
      table.set(id, { id, payload: new Array(128).fill(id) });
      if (id > 64) table.delete(id - 64);
    }`;
  const trace = execFileSync(process.execPath, ['--expose-gc', '--trace-gc-nvp', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const scavenges = trace.split('\n').filter((line) => /\bgc=s\b/.test(line));
  assert.ok(scavenges.length >= 10, `the loop ran ${scavenges.length} scavenges, too few to judge`);
  const promoted = scavenges.reduce((sum, line) => sum + Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0), 0);
  // With a Map in its place this is hundreds of MB (every call survives); here only the live 64 do, now and then.
  assert.ok(promoted < 4 << 20, `${promoted} bytes promoted over ${scavenges.length} scavenges`);
});
