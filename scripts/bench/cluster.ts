import { type BenchRow, median } from './benchRow.js';
import { killAll, NodeProcess } from '../../test/support/nodeProcess.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';

// Real `oxk start` processes on 127.0.9.11-.15 with the grid's default failure detection (heartbeat 1 s, silent after 10 s).
const ADDRS = [1, 2, 3, 4, 5].map((i) => `127.0.9.1${i}`);
const FORM_RUNS = 3;

function startCluster(configDir: string): NodeProcess[] {
  return ADDRS.map((address, i) => new NodeProcess({
    configDir,
    label: `bench${i + 1}`,
    set: {
      'com.openexchange.server.backendRoute': `OXB${i + 1}`,
      'com.openexchange.connector.networkListenerHost': address,
      'com.openexchange.hazelcast.network.interfaces': address,
      'com.openexchange.hazelcast.group.name': 'bench-cluster',
      'com.openexchange.hazelcast.group.password': 'bench-secret',
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': ADDRS.join(','),
    },
  }));
}

async function members(address: string): Promise<{ members: number; memberAddresses: string[] } | undefined> {
  try {
    const res = await fetch(`http://${address}:8009/health`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { grid?: { members: number; memberAddresses: string[] } }).grid;
  } catch {
    return undefined;
  }
}

async function allSee(addresses: string[], n: number, timeoutMs: number): Promise<void> {
  await waitFor(`${n} members on ${addresses.join(', ')}`, async () => (await Promise.all(addresses.map(members))).every((m) => m?.members === n), timeoutMs, 20);
}

/** Ms from `t0` until every node in `survivors` logged the removal of `address` (log time stamps). */
async function removalDelay(survivors: NodeProcess[], address: string, t0: number, timeoutMs: number): Promise<number> {
  const gone = new RegExp(`member ${address.replace(/\./g, '\\.')}:5701 removed`);
  const lines = await Promise.all(survivors.map((n) => n.waitForLine(gone, timeoutMs)));
  return Math.max(...lines.map((l) => Date.parse(l.slice(0, 24)))) - t0;
}

export async function run(): Promise<BenchRow[]> {
  const config = tempConfig();
  try {
    const formation: number[] = [];
    const afterLastStart: number[] = [];
    let nodes: NodeProcess[] = [];
    for (let r = 0; r < FORM_RUNS; r++) {
      const t0 = Date.now();
      nodes = startCluster(config.dir);
      await allSee(ADDRS, 5, 30_000);
      const done = Date.now();
      formation.push(done - t0);
      const starts = await Promise.all(nodes.map((n) => n.waitForLine(/grid member \S+ \(id [0-9a-f-]+\) starting/)));
      afterLastStart.push(done - Math.max(...starts.map((l) => Date.parse(l.slice(0, 24)))));
      if (r < FORM_RUNS - 1) await killAll();
    }

    // The last cluster stays up: SIGKILL three non-masters one after the other.
    const masterAddress = (await members(ADDRS[0]!))!.memberAddresses[0]!;
    const others = nodes.filter((_, i) => `${ADDRS[i]}:5701` !== masterAddress);
    const killDelays: number[] = [];
    let alive = [...nodes];
    for (const victim of others.slice(0, 3)) {
      const address = ADDRS[nodes.indexOf(victim)]!;
      alive = alive.filter((n) => n !== victim);
      const t0 = Date.now();
      await victim.kill();
      killDelays.push(await removalDelay(alive, address, t0, 10_000));
    }
    await killAll();

    // A fresh cluster: SIGSTOP three non-masters a second apart; each is removed after the heartbeat timeout.
    nodes = startCluster(config.dir);
    await allSee(ADDRS, 5, 30_000);
    const master = (await members(ADDRS[0]!))!.memberAddresses[0]!;
    const frozen = nodes.filter((_, i) => `${ADDRS[i]}:5701` !== master).slice(0, 3);
    const survivors = nodes.filter((n) => !frozen.includes(n));
    const stopDelays = await Promise.all(frozen.map(async (victim, k) => {
      await new Promise((r) => setTimeout(r, k * 1000));
      const t0 = Date.now();
      victim.signal('SIGSTOP');
      return removalDelay(survivors, ADDRS[nodes.indexOf(victim)]!, t0, 30_000);
    }));
    return [
      { name: `5-node cluster formed: spawn to all see 5 (median of ${FORM_RUNS})`, value: median(formation), unit: 'ms', note: 'includes process start-up; static join' },
      { name: `5-node cluster formed: last grid start to all see 5 (median of ${FORM_RUNS})`, value: median(afterLastStart), unit: 'ms', note: 'the join itself; /health polled every 20 ms' },
      { name: `SIGKILL to removal on every member (median of ${killDelays.length})`, value: median(killDelays), unit: 'ms', note: 'connection close, failed reconnect' },
      { name: `SIGSTOP to removal on every member (median of ${stopDelays.length})`, value: median(stopDelays), unit: 'ms', note: 'heartbeat 1 s, max.no.heartbeat 10 s (defaults)' },
      { name: 'context: Hazelcast default silent-member timeout', value: 60_000, unit: 'ms', note: 'hazelcast.max.no.heartbeat.seconds=60, heartbeat every 5 s (not measured)' },
      { name: 'context: Moleculer default heartbeat timeout', value: 30_000, unit: 'ms', note: 'heartbeatTimeout 30 s (not measured)' },
    ];
  } finally {
    await killAll();
    config.remove();
  }
}
