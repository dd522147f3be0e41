import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths.js';

const run = promisify(execFile);

// The README runs the commands through npx: after a build on a fresh clone they must be executable.
for (const [bin, usage] of [['oxk', /Usage: oxk \[options\] \[command\]/], ['showruntimestats', /Usage: oxk stats/]] as const) {
  test(`npx ${bin} --help runs the built command`, async () => {
    const { stdout } = await run('npx', ['--no-install', bin, '--help'], { cwd: repoRoot, timeout: 30_000 });
    assert.match(stdout, usage);
  });
}
