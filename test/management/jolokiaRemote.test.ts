import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { NodeProcess } from '../support/nodeProcess.js';
import { privateNetworkFixture } from '../support/privateNetwork.js';
import { CREDENTIALS, managementNode } from './managementNode.js';

// A real client that is not on loopback: inside a private network namespace, lo also carries
// 10.77.0.1 and the node listens on every address there. A request to 10.77.0.1 comes from
// 10.77.0.1, and none of its packets leave the namespace.
const REMOTE = '10.77.0.1';

const fx = privateNetworkFixture();

describe('Jolokia restricted to localhost, against a real non-loopback client', () => {
  let node: NodeProcess;

  before(async () => {
    await fx.net.exec(['ip', 'addr', 'add', `${REMOTE}/32`, 'dev', 'lo']);
    node = managementNode({
      configDir: fx.config.dir, address: '0.0.0.0', route: 'OX21', wrap: fx.net.wrap,
      set: { 'com.openexchange.hazelcast.network.interfaces': '127.0.0.1' },
    });
    await node.ready(30_000);
  });

  /** HTTP status of an authenticated Jolokia version request, sent from inside the namespace. */
  async function status(host: string): Promise<string> {
    const { stdout } = await fx.net.exec([
      'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5',
      '-u', `${CREDENTIALS.user}:${CREDENTIALS.password}`, `http://${host}:8009/monitoring/jolokia/version`,
    ]);
    return stdout;
  }

  it('answers a loopback client and refuses the other one with 403 and a log line naming it', async () => {
    assert.equal(await status('127.0.0.1'), '200');
    assert.equal(await status(REMOTE), '403');
    await node.waitForLine(new RegExp(`Jolokia request from (::ffff:)?${REMOTE.replaceAll('.', '\\.')} refused`));
  });
});
