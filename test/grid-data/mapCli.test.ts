import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { gridNode } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

// Address 127.0.4.15 (this file only); `oxk map` binds next to the node it connects to.
const address = '127.0.4.15';
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

const map = (...args: string[]) => runOxk(['map', '--connect', address, '--group', 'grid-cluster-test', '--password', 'test-secret', ...args], { timeoutMs: 60_000 });

test('oxk map get, put with TTL, remove; a wrong password is refused', async () => {
  const node = gridNode({ configDir: config.dir, address, route: 'OX1', staticNodes: [address] });
  await node.ready();
  assert.equal((await map('cli', 'put', 'a', 'one')).stdout.trim(), 'ok (new entry)');
  assert.equal((await map('cli', 'put', 'a', 'two', '--ttl', '600')).stdout.trim(), 'ok (previous value: one)');
  assert.equal((await map('cli', 'get', 'a')).stdout.trim(), 'two');
  assert.equal((await map('cli', 'remove', 'a')).stdout.trim(), 'removed two');
  const gone = await map('cli', 'get', 'a');
  assert.equal(gone.code, 1);
  assert.equal(gone.stdout.trim(), 'a: not found');
  const refused = await runOxk(['map', '--connect', address, '--group', 'grid-cluster-test', '--password', 'wrong', 'cli', 'size'], { timeoutMs: 60_000 });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /could not join the cluster at 127\.0\.4\.15.*password/);
});
