import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gridHealth, gridNode } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Own addresses: 127.0.18.10 (A, where the setting changes), 127.0.18.11 (B), 127.0.18.12 (C).
const A = '127.0.18.10';
const B = '127.0.18.11';
const C = '127.0.18.12';
const CREDENTIALS = ['--url', `http://${A}:8009/monitoring/jolokia`, '--user', 'ops', '--password', 'op-secret'];

const config = tempConfig({ 'zz-test.properties': 'com.openexchange.jolokia.user=ops\ncom.openexchange.jolokia.password=op-secret\n' });
after(async () => {
  await killAll();
  config.remove();
});

const member = (address: string, route: string, maxNoHeartbeat: number) => gridNode({
  configDir: config.dir, address, route, staticNodes: [A], set: { 'hazelcast.max.no.heartbeat.seconds': maxNoHeartbeat },
});

/** SIGSTOPs `peer` and returns the silence A reported when it suspected it (A's own log line, not a wall clock). */
async function silenceBeforeSuspected(a: NodeProcess, peer: NodeProcess, address: string): Promise<number> {
  const seen = a.lines.length;
  peer.signal('SIGSTOP');
  const pattern = new RegExp(`member ${address.replace(/\./g, '\\.')}:5701 is suspected: no heartbeat for (\\d+) ms`);
  const line = await waitFor(`A suspects ${address}`, () => a.lines.slice(seen).find((l) => pattern.test(l)), 60_000);
  return Number(pattern.exec(line)![1]);
}

describe('oxk config set of a reloadable heartbeat setting on a live member', () => {
  it('hazelcast.max.no.heartbeat.seconds 20 -> 3: the next SIGSTOPped peer is suspected after the new limit', async () => {
    const a = member(A, 'OXH10', 20);
    await a.ready();
    const b = member(B, 'OXH11', 20);
    await b.ready();
    await waitFor('A sees B', async () => (await gridHealth(A))?.grid?.members === 2, 20_000);
    const before = await silenceBeforeSuspected(a, b, B);
    assert.ok(before > 20_000, `suspected after ${before} ms of silence with max.no.heartbeat 20 s`);
    await b.kill();
    await waitFor('A alone', async () => (await gridHealth(A))?.grid?.members === 1, 20_000);

    const set = await runOxk(['config', 'set', 'hazelcast.max.no.heartbeat.seconds=3', ...CREDENTIALS]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'hazelcast.max.no.heartbeat.seconds: 20 -> 3 (bundle grid)\n');
    assert.match(a.output(), /config hazelcast\.max\.no\.heartbeat\.seconds: 20 -> 3 \(bundle grid, .*handed to the running bundle\)/);

    const c = member(C, 'OXH12', 20);
    await c.ready();
    await waitFor('A sees C', async () => (await gridHealth(A))?.grid?.members === 2, 20_000);
    const afterSet = await silenceBeforeSuspected(a, c, C);
    assert.ok(afterSet > 3000 && afterSet < 20_000, `suspected after ${afterSet} ms of silence with max.no.heartbeat set to 3 s`);
    await c.kill();
  });

  it('a bad value is refused and the old one stays: max.no.heartbeat not above the interval', async () => {
    const r = await runOxk(['config', 'set', 'hazelcast.max.no.heartbeat.seconds=1', ...CREDENTIALS]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused hazelcast\.max\.no\.heartbeat\.seconds \(bundle grid\): .*1 must be larger than hazelcast\.heartbeat\.interval\.seconds \(1\)/);
    const again = await runOxk(['config', 'set', 'hazelcast.max.no.heartbeat.seconds=4', ...CREDENTIALS]);
    assert.equal(again.stdout, 'hazelcast.max.no.heartbeat.seconds: 3 -> 4 (bundle grid)\n', 'the refused value was not taken');
  });
});
