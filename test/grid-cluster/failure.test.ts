import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { gridHealth, gridNode, lineTime, waitForMembers } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.2.51-.53, .61-.63 and .71-.73 (this file only).
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

async function cluster(prefix: string): Promise<{ addrs: string[]; nodes: NodeProcess[] }> {
  const addrs = [1, 2, 3].map((i) => `127.0.2.${prefix}${i}`);
  const nodes = addrs.map((address, i) => gridNode({ configDir: config.dir, address, route: `OX${prefix}${i + 1}`, staticNodes: addrs }));
  await Promise.all(nodes.map((n) => n.ready()));
  await waitForMembers(addrs, 3);
  return { addrs, nodes };
}

const escape = (s: string) => s.replace(/\./g, '\\.');

describe('grid failure detection', () => {
  it('a SIGKILLed member is removed on every other member within 1 s', async () => {
    const { addrs, nodes } = await cluster('5');
    const victim = 1;
    const gone = new RegExp(`member ${escape(addrs[victim]!)}:5701 removed`);
    const killedAt = Date.now();
    await nodes[victim]!.kill();
    const survivors = nodes.filter((_, i) => i !== victim);
    const lines = await Promise.all(survivors.map((n) => n.waitForLine(gone, 10_000)));
    const delays = lines.map((l) => lineTime(l) - killedAt);
    assert.ok(delays.every((d) => d < 1000), `removal took ${delays.join(', ')} ms`);
    await waitForMembers(addrs.filter((_, i) => i !== victim), 2);
  });

  it('when the master dies, the next oldest member becomes master', async () => {
    const { addrs, nodes } = await cluster('6');
    const view = (await gridHealth(addrs[0]!))!.grid!.memberAddresses;
    const masterIndex = addrs.findIndex((a) => `${a}:5701` === view[0]);
    const nextOldest = view[1]!;
    await nodes[masterIndex]!.kill();
    const survivors = addrs.filter((_, i) => i !== masterIndex);
    const healths = await waitForMembers(survivors, 2);
    await waitFor(`${nextOldest} to be master`, async () => {
      const hs = await Promise.all(survivors.map(gridHealth));
      return hs.every((h) => h?.grid?.memberAddresses[0] === nextOldest) && hs.filter((h) => h?.grid?.master).length === 1;
    }, 10_000, 50);
    assert.equal(healths.length, 2);
    const newMaster = nodes[addrs.findIndex((a) => `${a}:5701` === nextOldest)]!;
    assert.match(newMaster.output(), /takes over as master/);
  });

  it('a SIGSTOPped member (the master) is removed after max-no-heartbeat and rejoins after SIGCONT', async () => {
    const { addrs, nodes } = await cluster('7');
    const view = (await gridHealth(addrs[0]!))!.grid!.memberAddresses;
    const frozen = addrs.findIndex((a) => `${a}:5701` === view[0]);
    const others = addrs.filter((_, i) => i !== frozen);
    const stoppedAt = Date.now();
    nodes[frozen]!.signal('SIGSTOP');
    const survivors = await waitForMembers(others, 2, 15_000);
    const took = Date.now() - stoppedAt;
    // max.no.heartbeat is 3 s: not earlier (no false alarm), and soon after.
    assert.ok(took >= 2500, `removed after ${took} ms, before the heartbeat timeout`);
    assert.ok(took < 8000, `removed only after ${took} ms`);
    assert.equal(survivors.filter((h) => h.grid!.master).length, 1, 'the next oldest took over');
    nodes[frozen]!.signal('SIGCONT');
    const all = await waitForMembers(addrs, 3, 20_000);
    assert.match(nodes[frozen]!.output(), /joins again/);
    assert.equal(all.filter((h) => h.grid!.master).length, 1, 'one master after the rejoin');
    assert.notEqual(all[frozen]!.grid!.memberAddresses[0], view[0], 'the former master rejoined as the youngest member');
  });
});
