import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NODE_FLAGS } from '../../cli/nodeFlags.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { oxkBin, repoRoot } from '../support/paths.js';
import { waitFor } from '../support/waitFor.js';

// Nodes on 127.0.39.1 and 127.0.39.2.
const WARNING = /node runs without --initial-old-space-size=128/;

function settings(host: string): string[] {
  return ['com.openexchange.connector.networkListenerHost', 'com.openexchange.hazelcast.network.interfaces', 'com.openexchange.caching.jcs.ltcp.listenerHost']
    .flatMap((key) => ['--set', `${key}=${host}`]);
}

after(() => killAll());

test('the oxk shebang, npm start and npm run bench pass the node flags', () => {
  const shebang = readFileSync(oxkBin, 'utf8').split('\n')[0];
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  for (const flag of NODE_FLAGS) {
    assert.match(scripts.start, new RegExp(`node ${flag} dist/cli/oxk\\.js start`));
    assert.match(scripts.bench, new RegExp(`node ${flag} dist/scripts/bench/run\\.js`));
  }
});

test('a node started with the flags does not warn; one started without them says what is missing', async () => {
  const withFlags = new NodeProcess({ configDir: join(repoRoot, 'config'), args: settings('127.0.39.1') });
  await withFlags.ready(30_000);
  assert.doesNotMatch(withFlags.lines.join('\n'), WARNING);
  await withFlags.kill();

  const bare = spawn(process.execPath, [oxkBin, 'start', '--config', join(repoRoot, 'config'), ...settings('127.0.39.2')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  bare.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  bare.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  try {
    await waitFor('the bare node to be ready', () => /node ready/.test(out), 30_000, 50);
    assert.match(out, WARNING);
  } finally {
    bare.kill('SIGKILL');
  }
});
