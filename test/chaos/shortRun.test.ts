import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkHistory } from '../support/chaos/checker.js';
import { FAULTS, readHistory } from '../support/chaos/history.js';
import { formatReport } from '../support/chaos/reportTable.js';
import { runChaos } from '../support/chaos/runChaos.js';

// Addresses 127.0.15.11-.15, inside a private network namespace (the nemesis partitions it with iptables).
const out = mkdtempSync(join(tmpdir(), 'oxk-chaos-run-'));
let passed = false;
after(() => {
  // A failed run keeps its history and node logs for the diagnosis.
  if (passed) rmSync(out, { recursive: true, force: true });
  else process.stderr.write(`short chaos run: history and node logs in ${out}\n`);
});

test('short chaos run: every fault once, backup 1: no acknowledged distinct-key write lost, and the history re-checks the same', { timeout: 300_000 }, async () => {
  const result = await runChaos({
    addresses: [1, 2, 3, 4, 5].map((i) => `127.0.15.1${i}`), faults: [...FAULTS], seed: 18, outDir: out,
    backupCount: 1, sharedKeys: 8, holdMs: 2000, quietMs: 1000, pauseMs: 20,
  });
  const { report } = result;
  const text = formatReport(report);
  assert.deepEqual(report.faults.map((f) => f.fault), [...FAULTS], text);
  assert.deepEqual(report.problems, [], text);
  assert.ok(report.faults.every((f) => f.safeAfterMs !== undefined), `every heal reached cluster safe\n${text}`);
  assert.ok(report.ops.ok > 1000, `clients ran through the faults\n${text}`);
  const lost = report.anomalies.filter((a) => a.kind === 'lostWrite');
  assert.deepEqual(lost, [], text);

  const reread = readHistory(result.historyFile);
  assert.deepEqual(reread.problems, []);
  assert.deepEqual(checkHistory(reread.records, reread.problems), report);
  passed = true;
});
