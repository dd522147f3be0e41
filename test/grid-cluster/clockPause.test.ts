import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import { after, afterEach, describe, it } from 'node:test';
import { clockSkewSettings } from '../../bundles/grid/cluster/clockSkew.js';
import { gridHealth, waitForMembers } from '../support/gridNodes.js';
import { killAll, NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.13.20 and .21 (this file only).
const ADDRS = ['127.0.13.20', '127.0.13.21'];
const STOP_MS = 15_000;
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

/** A grid node that logs at debug level (each clock sample) and keeps a frozen member for 60 s. */
function node(address: string, i: number): NodeProcess {
  return new NodeProcess({
    configDir: config.dir,
    label: `OXC${i}`,
    env: { OXK_LOG_LEVEL: 'debug' },
    set: {
      'com.openexchange.server.backendRoute': `OXC${i}`,
      'com.openexchange.connector.networkListenerHost': address,
      'com.openexchange.hazelcast.network.interfaces': address,
      'com.openexchange.hazelcast.group.name': 'clock-pause-test',
      'com.openexchange.hazelcast.group.password': 'test-secret',
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': ADDRS.join(','),
      'com.openexchange.hazelcast.network.join.probeInterval': '500ms',
      'com.openexchange.hazelcast.clockSkew.warnThreshold': '1s',
      'hazelcast.heartbeat.interval.seconds': 1,
      'hazelcast.max.no.heartbeat.seconds': 60,
    },
  });
}

const escape = (s: string) => s.replace(/\./g, '\\.');
const skewWarnings = (n: NodeProcess) => n.lines.filter((l) => /clock skew/.test(l));

describe('clock skew after a pause', () => {
  it('a member frozen by SIGSTOP for 15 s and resumed makes no clock-skew warning on either member', async () => {
    const nodes = ADDRS.map((a, i) => node(a, i + 1));
    await Promise.all(nodes.map((n) => n.ready()));
    await waitForMembers(ADDRS, 2);
    const [frozen, other] = nodes as [NodeProcess, NodeProcess];
    frozen.signal('SIGSTOP');
    await pause(STOP_MS); // the pause under test, not a synchronisation
    const marks = nodes.map((n) => n.lines.length);
    frozen.signal('SIGCONT');
    // Enough counted samples after the resume that a persistent skew would have been warned about.
    const needed = clockSkewSettings(1000, 1000).samplesToWarn + 1;
    const countedSince = (n: NodeProcess, mark: number, peer: string) =>
      n.lines.slice(mark).filter((l) => new RegExp(`grid clock: member ${escape(peer)}:5701 offset`).test(l)).length;
    await waitFor(`${needed} clock samples on both members after SIGCONT, or a clock skew warning`, () =>
      nodes.some((n) => skewWarnings(n).length > 0) ||
      (countedSince(frozen, marks[0]!, ADDRS[1]!) >= needed && countedSince(other, marks[1]!, ADDRS[0]!) >= needed), 60_000, 100);
    assert.deepEqual(skewWarnings(frozen), [], 'the resumed member warned');
    assert.deepEqual(skewWarnings(other), [], 'the member that kept running warned');
    // The frozen member stayed a member: the warning was not avoided by dropping it.
    const healths = await Promise.all(ADDRS.map(gridHealth));
    assert.deepEqual(healths.map((h) => h?.grid?.members), [2, 2]);
  });
});
