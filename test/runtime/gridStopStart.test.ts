import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { sessionNode, waitForCluster } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';

// Own addresses: 127.0.18.30, 127.0.18.31 and 127.0.18.32 (the member whose grid bundle is stopped and started).
const ADDRESSES = ['127.0.18.30', '127.0.18.31', '127.0.18.32'];
const STOPPED = ADDRESSES[2];
const ENTRIES = 3000;
const CREDENTIALS = ['--url', `http://${STOPPED}:8009/monitoring/jolokia`, '--user', 'ops', '--password', 'op-secret'];
const map = (command: string) => runOxk(['map', '--connect', ADDRESSES[0], '--group', 'sessions-test', 'runtime', command, '--count', String(ENTRIES), '--prefix', 'e'], { timeoutMs: 120_000 });

const cleanups: (() => void)[] = [];
after(async () => {
  await killAll();
  cleanups.forEach((c) => c());
});

describe('oxk bundle stop grid / start grid on a member of three', () => {
  it('stops the dependents first, leaves gracefully (every entry kept), rejoins until cluster safe; a session of that node survives', async () => {
    const config = tempConfig({
      'users.properties': await usersFile({ alice: 'alice-pw' }),
      'zz-test.properties': 'com.openexchange.jolokia.user=ops\ncom.openexchange.jolokia.password=op-secret\n',
    });
    cleanups.push(config.remove);
    const nodes: NodeProcess[] = [];
    for (const [i, address] of ADDRESSES.entries()) {
      const node = sessionNode({ configDir: config.dir, address, route: `OXG${i}`, cluster: ADDRESSES });
      await node.ready();
      nodes.push(node);
    }
    await waitForCluster(ADDRESSES, 3);
    const load = await map('load');
    assert.equal(load.code, 0, load.stderr);
    const alice = new SessionClient(`http://${STOPPED}:8009`);
    expectOk(await alice.login('alice', 'alice-pw'), 'login on the member whose grid stops');

    const stop = await runOxk(['bundle', 'stop', 'grid', ...CREDENTIALS], { timeoutMs: 120_000 });
    assert.equal(stop.code, 0, stop.stderr);
    const dependents = /^stopped dependents first: (.*)$/m.exec(stop.stdout)?.[1].split(', ') ?? [];
    assert.deepEqual([...dependents].sort(), ['cache-jcs', 'login', 'sessiond', 'sessionstorage-grid']);
    assert.ok(dependents.indexOf('login') < dependents.indexOf('sessiond') && dependents.indexOf('sessiond') < dependents.indexOf('sessionstorage-grid'), `reverse dependency order: ${dependents.join(', ')}`);
    assert.match(stop.stdout, /^stopped: grid$/m);
    await waitForCluster(ADDRESSES.slice(0, 2), 2);
    const stoppedNode = nodes[2];
    assert.match(stoppedNode.output(), /grid member 127\.0\.18\.32:5701 leaves the cluster \(2 other member\(s\)\)/);
    assert.match(nodes[0].output(), /grid: member 127\.0\.18\.32:5701 announced its leave/);
    assert.doesNotMatch(nodes[0].output(), /member 127\.0\.18\.32:5701 is suspected/, 'a leave, not a failure');
    const verify = await map('verify');
    assert.equal(verify.stdout.trim(), `verified ${ENTRIES}/${ENTRIES} missing 0 wrong 0`);
    assert.equal((await alice.whoami()).status, 503, 'login is stopped with the grid: its route answers BUNDLE_STOPPED');

    const start = await runOxk(['bundle', 'start', 'grid', ...CREDENTIALS], { timeoutMs: 120_000 });
    assert.equal(start.code, 0, start.stderr);
    const started = /^started: (.*)$/m.exec(start.stdout)?.[1].split(', ') ?? [];
    assert.deepEqual([...started].sort(), ['cache-jcs', 'grid', 'login', 'sessiond', 'sessionstorage-grid']);
    assert.equal(started[0], 'grid');
    await waitForCluster(ADDRESSES, 3, 60_000);
    const whoami = await alice.whoami();
    assert.equal(whoami.status, 200, whoami.body);
    assert.equal(whoami.json.user, 'alice');
    const again = await map('verify');
    assert.equal(again.stdout.trim(), `verified ${ENTRIES}/${ENTRIES} missing 0 wrong 0`);
  });
});
