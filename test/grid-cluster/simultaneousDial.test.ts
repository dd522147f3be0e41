import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import Type from 'typebox';
import type { GridMember } from '../../bundles/grid/api.js';
import type { ClusterNode } from '../../bundles/grid/cluster/clusterNode.js';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { wireCheck } from '../../bundles/grid/spi/wireSchema.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// Two in-process members on 127.0.27.10-11 (this file only).
const addrs = ['127.0.27.10', '127.0.27.11'];
const ECHO = 'test.echo';
const isNumber = wireCheck(Type.Number());
const REQUESTS = 200;
const ROUNDS = 5;

const started: ClusterNode[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

async function member(address: string, logger: ReturnType<typeof captureLogger>['logger']): Promise<ClusterNode> {
  const node = await createClusterNode({
    join: 'static', staticNodes: addrs.join(','), interfaces: address, groupName: 'simultaneous-dial', password: 'test-secret',
    route: address, heartbeatIntervalMs: 1000, maxNoHeartbeatMs: 3000, probeIntervalMs: 500,
  }, logger);
  started.push(node);
  node.handle(ECHO, isNumber, (_from, n) => n);
  return node;
}

/** What `Peers.connection` does when the member has no connection yet: dial its address and adopt the result. */
async function dialAndAttach(from: ClusterNode, to: GridMember): Promise<void> {
  const { conn, result } = await from.transport.connect(to.address);
  from.peers.attach(conn, result);
}

/** `REQUESTS` echo requests to `to`, sent while the connections are sorted out; the numbers that came back. */
function echoes(from: ClusterNode, to: GridMember): Promise<PromiseSettledResult<number>[]> {
  return Promise.allSettled(Array.from({ length: REQUESTS }, (_, i) => from.request(to.id, ECHO, i, isNumber, 10_000)));
}

describe('grid connections dialed by both members at once', () => {
  it('both ends keep the same connection, nothing is refused and no request sent meanwhile goes unanswered', async () => {
    const { logger, lines } = captureLogger();
    const [a, b] = await Promise.all(addrs.map((address) => member(address, logger)));
    await waitFor('both members see each other', () => a!.view().members.length === 2 && b!.view().members.length === 2, 30_000);
    const [ma, mb] = [a!.local, b!.local];

    for (let round = 0; round < ROUNDS; round++) {
      // Each member dials the other at the same moment, as a member joining and the one it joins do.
      await Promise.all([dialAndAttach(a!, mb), dialAndAttach(b!, ma)]);
      const [ab, ba] = await Promise.all([echoes(a!, mb), echoes(b!, ma)]);
      // A call on a connection that closes fails at once (callers retry); one that is never answered stalls its caller.
      const failed = [...ab, ...ba].filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      const unanswered = failed.filter((f) => !/failed: connection to \S+ lost/.test(f));
      assert.deepEqual(unanswered.slice(0, 3), [], `round ${round}: ${unanswered.length} of ${2 * REQUESTS} requests were not answered`);
      const answered = [...ab, ...ba].flatMap((r, i) => (r.status === 'fulfilled' ? [[i % REQUESTS, r.value]] : []));
      assert.ok(answered.every(([sent, got]) => sent === got), `round ${round}: a request got another one's answer`);
      const agreed = await waitFor(`round ${round}: both ends hold one and the same connection`, () => {
        const [ca, cb] = [a!.peers.get(mb.id), b!.peers.get(ma.id)];
        return ca && cb && ca.nonce === cb.nonce && ca.outbound !== cb.outbound ? ca.nonce : undefined;
      }, 5000);
      assert.ok(agreed, `round ${round}: no common connection`);
    }
    const refused = lines.filter((l) => l.includes('grid refused a connection'));
    assert.deepEqual(refused, [], 'a member refused the other member\'s own connection');
  });
});
