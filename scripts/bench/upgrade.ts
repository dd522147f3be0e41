import { type BenchRow, percentile } from './benchRow.js';
import { ApacheProcess } from '../../test/support/apache.js';
import { NodeControl } from '../../test/support/nodeControl.js';
import { killAll, type NodeProcess } from '../../test/support/nodeProcess.js';
import { runOxk } from '../../test/support/runCli.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../../test/support/sessionClient.js';
import { sessionNode, waitForCluster } from '../../test/support/sessionNodes.js';
import { tempConfig } from '../../test/support/tempConfig.js';

// Apache on 127.0.22.70:8009, three nodes on 127.0.22.71-73, the node control on 127.0.22.74.
const APACHE = '127.0.22.70:8009';
const ADDRESSES: Record<string, string> = { UB71: '127.0.22.71', UB72: '127.0.22.72', UB73: '127.0.22.73' };
const ROUTES = Object.keys(ADDRESSES);
const GRID = Object.values(ADDRESSES).map((a) => `${a}:5701`);
/** Sessions the nodes hold (the issue asks for 100k: OXK_BENCH_UPGRADE_SESSIONS=100000). */
const SESSIONS = Number(process.env.OXK_BENCH_UPGRADE_SESSIONS ?? 20_000);
/** Users requesting without pause during the upgrade. */
const ACTIVE_USERS = 20;
const SET = { 'com.openexchange.sessiond.maxSessionPerUser': 0, 'com.openexchange.sessiond.maxSession': 0 };

/** Every request's wait (ms) while `during` runs, from `users` requesting without pause; failures counted. */
async function underLoad(users: SessionClient[], during: () => Promise<void>): Promise<{ waits: number[]; failed: number; seconds: number }> {
  const waits: number[] = [];
  let failed = 0;
  let running = true;
  const traffic = users.map(async (c) => {
    while (running) {
      const t = performance.now();
      const w = await c.whoami().catch(() => undefined);
      waits.push(performance.now() - t);
      if (w?.status !== 200) failed++;
    }
  });
  const t0 = performance.now();
  try {
    await during();
  } finally {
    running = false;
    await Promise.all(traffic);
  }
  return { waits, failed, seconds: (performance.now() - t0) / 1000 };
}

/**
 * `oxk upgrade` of three nodes holding SESSIONS sessions while 20 users request without pause: the
 * total time and the longest waits. The peer is the same rolling restart done without the
 * balancer (each node stopped, the cluster safe again, started, joined), as `test/sessions/rolling`
 * does, measured in the same run on the same nodes.
 */
export async function run(): Promise<BenchRow[]> {
  const config = tempConfig({ 'users.properties': await usersFile({ bench: 'bench-pw' }, 16) });
  const nodes = new Map<string, NodeProcess>();
  const start = (route: string) => {
    const n = sessionNode({ configDir: config.dir, address: ADDRESSES[route]!, route, cluster: GRID, set: SET });
    nodes.set(route, n);
    return n;
  };
  const stop = async (route: string) => {
    const n = nodes.get(route)!;
    await n.stop(60_000);
    if (n.exitCode !== 0) throw new Error(`${route} exited ${n.exitCode ?? n.exitSignal}`);
  };
  const control = new NodeControl('127.0.22.74', 8009, {
    stop: async (route) => (await stop(route), 'stopped'),
    start: async (route) => (start(route), 'started'),
  });
  let apache: ApacheProcess | undefined;
  try {
    await Promise.all(ROUTES.map((r) => start(r).ready(30_000)));
    await waitForCluster(Object.values(ADDRESSES), 3);
    apache = await ApacheProcess.start({ listen: APACHE, nodes: Object.fromEntries(ROUTES.map((r) => [r, `${ADDRESSES[r]}:8009`])) });
    await control.listen();
    const base = apache.base;
    await mapLimit(Array.from({ length: SESSIONS }, (_, i) => i), 16, async () => {
      expectOk(await new SessionClient(base).login('bench', 'bench-pw'), 'login');
    });
    const users = await mapLimit(Array.from({ length: ACTIVE_USERS }, (_, i) => i), 4, async () => {
      const c = new SessionClient(base);
      expectOk(await c.login('bench', 'bench-pw'), 'login');
      return c;
    });
    const upgrade = await underLoad(users, async () => {
      const r = await runOxk(['upgrade', '--balancer', apache!.managerUrl, ...ROUTES.flatMap((route) => ['--node', `${route}=${ADDRESSES[route]}:8009`]),
        '--stop', control.command('stop'), '--exec', control.command('start'), '--join-timeout', '300s'], { timeoutMs: 1_200_000 });
      if (r.code !== 0) throw new Error(`oxk upgrade failed: ${r.stderr}`);
    });
    const rolling = await underLoad(users, async () => {
      for (const route of ROUTES) {
        await stop(route);
        await waitForCluster(ROUTES.filter((r) => r !== route).map((r) => ADDRESSES[r]!), 2, 300_000);
        await start(route).ready(60_000);
        await waitForCluster(Object.values(ADDRESSES), 3, 300_000);
      }
    });
    const note = (l: typeof upgrade) => `${l.waits.length} requests, ${l.failed} failed`;
    const what = `${SESSIONS} sessions, 3 nodes, ${ACTIVE_USERS} users requesting`;
    return [
      { name: `oxk upgrade total (${what})`, value: upgrade.seconds, unit: 's', peer: 'rolling restart without balancer drain', peerValue: rolling.seconds, note: `${note(upgrade)}; peer ${note(rolling)}` },
      { name: 'request wait p99 during oxk upgrade', value: percentile(upgrade.waits, 99), unit: 'ms', peer: 'rolling restart without drain', peerValue: percentile(rolling.waits, 99), note: `p50 ${percentile(upgrade.waits, 50).toFixed(1)} ms, peer ${percentile(rolling.waits, 50).toFixed(1)} ms` },
      { name: 'request wait max during oxk upgrade', value: Math.max(...upgrade.waits), unit: 'ms', peer: 'rolling restart without drain', peerValue: Math.max(...rolling.waits) },
    ];
  } finally {
    await control.close().catch(() => undefined);
    await apache?.stop();
    await killAll();
    config.remove();
  }
}
