import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHistory } from '../support/chaos/checker.js';
import { type HistoryRecord, type OpRecord, parseHistory } from '../support/chaos/history.js';

// Hand-made histories: one map of distinct keys (`p`), one of shared compare-and-set keys (`s`).
const run: HistoryRecord = { type: 'run', seed: 1, startedAt: '2026-01-01T00:00:00Z', nodes: ['OX1', 'OX2'], putMap: 'p', casMap: 's', options: {} };
let clock = 0;
function op(f: OpRecord['f'], map: string, key: string, value: string | null, extra: Partial<OpRecord> = {}): OpRecord {
  clock += 10;
  return { type: 'op', process: 0, node: 'OX1', f, map, key, value, invoke: clock, complete: clock + 5, outcome: 'ok', ...extra };
}
const fault = (phase: 'start' | 'heal' | 'safe', time: number): HistoryRecord => ({ type: 'nemesis', fault: 'partition-one', phase, nodes: ['OX2'], time, ms: phase === 'safe' ? 7 : undefined });
const final = (map: string, entries: Record<string, string>): HistoryRecord => ({ type: 'final', map, node: 'OX1', time: 10_000, entries });
const end: HistoryRecord = { type: 'end', time: 10_001 };

function clean(): HistoryRecord[] {
  clock = 0;
  return [
    run,
    op('put', 'p', 'a', '1:0.1'),
    op('get', 'p', 'a', '1:0.1', { process: 1, node: 'OX2' }),
    op('putIfAbsent', 's', 'k', '1:0.2'),
    op('cas', 's', 'k', '2:1.1', { expected: '1:0.2', process: 1, node: 'OX2' }),
    op('cas', 's', 'k', '2:0.3', { expected: '1:0.2', outcome: 'fail' }),
    op('get', 's', 'k', '2:1.1'),
    op('put', 'p', 'b', '1:0.4', { outcome: 'info', error: 'timeout' }),
    final('p', { a: '1:0.1' }),
    final('s', { k: '2:1.1' }),
    end,
  ];
}

describe('chaos checker', () => {
  it('passes a clean history, an unknown-outcome write that did not happen included', () => {
    const report = checkHistory(clean());
    assert.deepEqual(report.anomalies, []);
    assert.equal(report.valid, true);
    assert.deepEqual(report.ops, { total: 7, ok: 5, fail: 1, info: 1, refused: 0 });
  });

  it('finds an acknowledged write that is gone, and blames the fault during which it was last seen', () => {
    const h = clean();
    h.splice(1, 0, fault('start', 1), fault('heal', 8), fault('safe', 30));
    (h.find((r) => r.type === 'final' && r.map === 'p') as { entries: Record<string, string> }).entries = {};
    const report = checkHistory(h);
    assert.deepEqual(report.anomalies.map((a) => [a.kind, a.key, a.value, a.fault]), [['lostWrite', 'a', '1:0.1', 'partition-one']]);
    assert.equal(report.byFault['partition-one']!.lostWrite, 1);
    assert.equal(report.faults[0]!.safeAfterMs, 7);
  });

  it('finds a compare-and-set lost to a concurrent branch, not the one built upon', () => {
    const h = clean();
    h.splice(h.length - 3, 0,
      op('cas', 's', 'k', '3:0.5', { expected: '2:1.1' }),
      op('cas', 's', 'k', '3:1.2', { expected: '2:1.1', process: 1, node: 'OX2' }),
      op('cas', 's', 'k', '4:1.3', { expected: '3:1.2', process: 1, node: 'OX2' }));
    (h.find((r) => r.type === 'final' && r.map === 's') as { entries: Record<string, string> }).entries = { k: '4:1.3' };
    const report = checkHistory(h);
    assert.deepEqual(report.anomalies.map((a) => [a.kind, a.key, a.value]), [['lostCas', 'k', '3:0.5']]);
  });

  it('an unknown-outcome compare-and-set seen to have happened overwrote its expected value', () => {
    const h = clean();
    h.splice(h.length - 3, 0, op('cas', 's', 'k', '3:0.5', { expected: '2:1.1', outcome: 'info' }));
    (h.find((r) => r.type === 'final' && r.map === 's') as { entries: Record<string, string> }).entries = { k: '3:0.5' };
    assert.deepEqual(checkHistory(h).anomalies, []);
  });

  it('finds a value nobody wrote, in a read and in the final read', () => {
    const h = clean();
    h.splice(h.length - 3, 0, op('get', 'p', 'a', '7:9.9'));
    (h.find((r) => r.type === 'final' && r.map === 's') as { entries: Record<string, string> }).entries = { k: 'garbage' };
    const report = checkHistory(h);
    assert.deepEqual(report.anomalies.filter((a) => a.kind === 'neverWritten').map((a) => [a.key, a.value]), [['a', '7:9.9'], ['k', 'garbage']]);
  });

  it('finds a read that went back in time, not one concurrent with the write', () => {
    const h = clean();
    clock = 100;
    const write = op('cas', 's', 'k', '3:0.6', { expected: '2:1.1' });
    const concurrent = { ...op('get', 's', 'k', '2:1.1'), invoke: write.invoke + 1 };
    const stale = op('get', 's', 'k', '2:1.1', { process: 1, node: 'OX2' });
    h.splice(h.length - 3, 0, write, concurrent, stale);
    (h.find((r) => r.type === 'final' && r.map === 's') as { entries: Record<string, string> }).entries = { k: '3:0.6' };
    const report = checkHistory(h);
    assert.deepEqual(report.anomalies.map((a) => [a.kind, a.key, a.time]), [['backInTime', 'k', stale.complete]]);
  });

  it('a read of the other branch after a merge is a lost compare-and-set, not a read back in time', () => {
    const h = clean();
    clock = 100;
    const lost = op('cas', 's', 'k', '3:0.7', { expected: '2:1.1' });
    const other = { ...op('cas', 's', 'k', '3:1.8', { expected: '2:1.1', process: 1, node: 'OX2' }), invoke: lost.invoke };
    const read = op('get', 's', 'k', '3:1.8');
    h.splice(h.length - 3, 0, lost, other, read);
    (h.find((r) => r.type === 'final' && r.map === 's') as { entries: Record<string, string> }).entries = { k: '3:1.8' };
    assert.deepEqual(checkHistory(h).anomalies.map((a) => [a.kind, a.value]), [['lostCas', '3:0.7']]);
  });

  it('reports a truncated history and still checks what it has', () => {
    const text = clean().map((r) => JSON.stringify(r)).join('\n');
    const cut = text.slice(0, text.indexOf('"type":"final"') + 20);
    const parsed = parseHistory(cut, 'h.jsonl');
    assert.ok(parsed.problems.some((p) => /h\.jsonl:9: last line is cut off/.test(p)), parsed.problems.join('; '));
    assert.ok(parsed.problems.some((p) => /no end record/.test(p)));
    assert.ok(parsed.problems.some((p) => /no final read/.test(p)));
    const report = checkHistory(parsed.records, parsed.problems);
    assert.equal(report.valid, false);
    assert.equal(report.ops.total, 7);
    assert.deepEqual(parseHistory('{"type":"op"\nnot json\n', 'x').problems.slice(0, 2), ['x:1: not JSON', 'x:2: not JSON']);
  });
});
