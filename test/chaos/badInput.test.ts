import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { missingRequirements } from '../support/chaos/chaosNetwork.js';
import { repoRoot } from '../support/paths.js';

const chaosBin = join(repoRoot, 'dist', 'scripts', 'chaos', 'chaos.js');
const dir = mkdtempSync(join(tmpdir(), 'oxk-chaos-bad-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run chaos` without npm: exit code and output. */
function chaos(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [chaosBin, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('chaos harness bad input', () => {
  it('names what the nemesis lacks: root and each program', () => {
    const missing = missingRequirements({ uid: 1000, path: dir });
    assert.match(missing[0]!, /^root \(running as uid 1000\)/);
    for (const program of ['unshare', 'nsenter', 'ip', 'iptables', 'curl']) assert.ok(missing.some((m) => m.startsWith(`${program} (`)), `${program} named in ${missing.join('; ')}`);
  });

  it('a run on a machine without unshare and iptables stops at once and says what it needs', async () => {
    const r = await chaos(['--faults', 'kill', '--out', join(dir, 'run')], { ...process.env, PATH: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot create a private network namespace; it needs:/);
    assert.match(r.stderr, /unshare \(util-linux/);
    assert.match(r.stderr, /iptables \(iptables/);
  });

  it('rejects an unknown fault and a bad duration', async () => {
    const fault = await chaos(['--faults', 'kill,meteor']);
    assert.notEqual(fault.code, 0);
    assert.match(fault.stderr, /unknown fault\(s\) meteor; known: kill, pause/);
    const time = await chaos(['--duration', 'soon']);
    assert.notEqual(time.code, 0);
    assert.match(time.stderr, /"soon" is not a duration/);
  });

  it('--check: a missing file, and a cut-off history reported without a crash', async () => {
    const missing = await chaos(['--check', join(dir, 'nope.jsonl')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the history file .*nope\.jsonl/);
    const file = join(dir, 'cut.jsonl');
    writeFileSync(file, '{"type":"run","seed":1,"startedAt":"x","nodes":["A"],"putMap":"p","casMap":"s","options":{}}\n{"type":"op","process":0,"node":"A","f":"put","map":"p","key":"k","value":"1:0.0","invoke":1,"complete":2,"outcome":"ok"}\n{"type":"op","pro');
    const cut = await chaos(['--check', file]);
    assert.equal(cut.code, 1, cut.stderr);
    assert.match(cut.stdout, /operations: 1 \(ok 1/);
    assert.match(cut.stdout, /problem: .*cut\.jsonl:3: last line is cut off \(truncated history\)/);
    assert.match(cut.stdout, /problem: .*no final read/);
  });
});
