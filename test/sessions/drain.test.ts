import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApacheProcess } from '../support/apache.js';
import { ApacheCluster } from '../support/apacheCluster.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';
import { waitFor } from '../support/waitFor.js';

// Addresses of this file: Apache on 127.0.6.41, nodes OX42..OX44 on 127.0.6.42..44.
const APACHE = '127.0.6.41:8080';
const ADDRESSES: Record<string, string> = { OX42: '127.0.6.42', OX43: '127.0.6.43', OX44: '127.0.6.44' };
const cluster = new ApacheCluster(APACHE, ADDRESSES, { 'com.openexchange.sessiond.maxSessionPerUser': 0 });
const nodes = cluster.nodes;
const start = (route: string) => cluster.start(route);
let apache: ApacheProcess;

before(async () => {
  apache = await cluster.up(await usersFile({ alice: 'alice-pw', bob: 'bob-pw' }));
});

after(() => cluster.down());

/** whoami calls through Apache, round-robin over the clients, until stopped; keeps every failure. */
function traffic(clients: SessionClient[], parallel = 3) {
  const state = { ok: 0, failures: [] as string[], running: true };
  const loops = Array.from({ length: parallel }, async (_, lane) => {
    for (let i = lane; state.running; i += parallel) {
      const c = clients[i % clients.length];
      try {
        const a = await c.whoami();
        if (a.status === 200 && a.json.session === c.session) state.ok++;
        else state.failures.push(`${a.status} ${a.body}`);
      } catch (err) {
        state.failures.push(String(err));
      }
    }
  });
  return {
    state,
    /** Waits until `n` more requests succeeded. */
    more: async (n: number, what: string) => {
      const target = state.ok + n;
      await waitFor(`${n} more successful requests (${what})`, () => state.ok >= target || state.failures.length > 0, 30_000);
    },
    stop: async () => {
      state.running = false;
      await Promise.all(loops);
    },
  };
}

describe('drain, stop, restart, undrain through Apache (the seed\'s upgrade procedure)', () => {
  it('no request fails, and the drained node\'s users keep their sessions on other nodes', async () => {
    const clients = await mapLimit(Array.from({ length: 15 }, (_, i) => i), 3, async (i) => {
      const c = new SessionClient(apache.base);
      expectOk(await c.login(i % 2 ? 'alice' : 'bob', i % 2 ? 'alice-pw' : 'bob-pw'), `login ${i}`);
      return c;
    });
    const victim = clients[0].route!;
    const theirs = clients.filter((c) => c.route === victim);
    const load = traffic(clients);
    try {
      await load.more(30, 'before the drain');
      const drained = await runOxk(['drain', victim, '--balancer', apache.managerUrl]);
      assert.equal(drained.code, 0, drained.stderr);
      await waitFor(`every session of ${victim} served elsewhere`, () => theirs.every((c) => c.route !== victim), 30_000);
      await load.more(30, 'after the drain');

      const node = nodes.get(victim)!;
      await node.stop(20_000);
      assert.equal(node.exitCode, 0, node.output().slice(-2000));
      await waitForCluster(Object.entries(ADDRESSES).filter(([r]) => r !== victim).map(([, a]) => a), 2);
      await load.more(30, `while ${victim} is down`);

      await start(victim).ready(30_000);
      await waitForCluster(Object.values(ADDRESSES), 3);
      const undrained = await runOxk(['undrain', victim, '--balancer', apache.managerUrl]);
      assert.equal(undrained.code, 0, undrained.stderr);
      await load.more(30, 'after the undrain');
    } finally {
      await load.stop();
    }
    assert.deepEqual(load.state.failures, []);
    assert.ok(load.state.ok >= 150, `${load.state.ok} requests`);
    // Requests for the restarted node reach it again: a session made on it is served there through Apache.
    const onVictim = new SessionClient(`http://${ADDRESSES[victim]}:8009`);
    expectOk(await onVictim.login('alice', 'alice-pw'), `login on ${victim}`);
    onVictim.base = apache.base;
    assert.equal(expectOk(await onVictim.whoami(), 'whoami through Apache').json.route, victim);
  });
});
