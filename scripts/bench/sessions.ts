import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import type { BenchRow } from './benchRow.js';
import { CallLoad } from './callLoad.js';
import { collectGarbage, EXPOSE_GC, jolokiaSettings, rssBytes } from './nodeMemory.js';
import { ApacheProcess } from '../../test/support/apache.js';
import { killAll, type NodeProcess } from '../../test/support/nodeProcess.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../../test/support/sessionClient.js';
import { sessionNode, waitForCluster } from '../../test/support/sessionNodes.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';

// Apache on 127.0.9.61:8080, three nodes on 127.0.9.62-64 in one grid cluster (sessions map, backup 1), Redis on 127.0.9.65.
const APACHE = '127.0.9.61:8080';
const ADDRESSES: Record<string, string> = { OXS2: '127.0.9.62', OXS3: '127.0.9.63', OXS4: '127.0.9.64' };
const GRID = Object.values(ADDRESSES).map((a) => `${a}:5701`);
const ROUNDS = 4;
const LOGINS_PER_ROUND = 16;
const SESSIONS = 60;
const WHOAMI_PER_ROUND = 750;
const PARALLEL = 16;
/** Sessions measured for the memory figure, extrapolated to one million. */
const MEMORY_SESSIONS = 30_000;
/** Logins before the measurement starts. */
const MEMORY_WARMUP = 5_000;
const REDIS = { host: '127.0.9.65', port: 6379 };
const UNLIMITED = { 'com.openexchange.sessiond.maxSessionPerUser': 0, 'com.openexchange.sessiond.maxSession': 0 };

function rows(what: string, unit: string, direct: CallLoad, apache: CallLoad, note: string): BenchRow[] {
  const p = (l: CallLoad, q: number) => l.p(q);
  return [
    { name: `${what} throughput via Apache`, value: apache.perSecond, unit, peer: 'direct to the node', peerValue: direct.perSecond, note },
    { name: `${what} p99 via Apache`, value: p(apache, 99), unit: 'ms', peer: 'direct to the node', peerValue: p(direct, 99), note: `p50 ${p(apache, 50).toFixed(1)} ms via Apache, ${p(direct, 50).toFixed(1)} ms direct` },
  ];
}

function startCluster(configDir: string, env?: Record<string, string>): NodeProcess[] {
  const set = { ...UNLIMITED, ...jolokiaSettings };
  return Object.entries(ADDRESSES).map(([route, address]) => sessionNode({ configDir, address, route, cluster: GRID, set, env }));
}

/** Login and whoami through Apache and directly, in alternating rounds so that both see the same machine load. */
async function throughput(configDir: string): Promise<BenchRow[]> {
  const nodes = startCluster(configDir);
  await Promise.all(nodes.map((n) => n.ready(30_000)));
  await waitForCluster(Object.values(ADDRESSES), 3);
  const apache = await ApacheProcess.start({ listen: APACHE, nodes: Object.fromEntries(Object.entries(ADDRESSES).map(([r, a]) => [r, `${a}:8009`])) });
  try {
    const directBases = Object.values(ADDRESSES).map((a) => `http://${a}:8009`);
    const login = async (base: string) => {
      expectOk(await new SessionClient(base).login('bench', 'bench-pw'), 'login');
    };
    const loginDirect = new CallLoad();
    const loginApache = new CallLoad();
    for (let r = 0; r < ROUNDS; r++) {
      await loginDirect.run(LOGINS_PER_ROUND, 4, (i) => login(directBases[i % 3]));
      await loginApache.run(LOGINS_PER_ROUND, 4, () => login(apache.base));
    }

    // Sessions made through Apache, spread over the nodes; direct calls go to the node that holds each.
    const viaApache = await mapLimit(Array.from({ length: SESSIONS }, (_, i) => i), 4, async () => {
      const c = new SessionClient(apache.base);
      expectOk(await c.login('bench', 'bench-pw'), 'login');
      return c;
    });
    const direct = viaApache.map((c) => {
      const d = new SessionClient(`http://${ADDRESSES[c.route!]}:8009`);
      for (const [k, v] of c.cookies) d.cookies.set(k, v);
      d.session = c.session;
      return d;
    });
    const whoami = (list: SessionClient[]) => async (i: number) => {
      const w = await list[i % list.length].whoami();
      if (w.status !== 200) throw new Error(`whoami: HTTP ${w.status} ${w.body}`);
    };
    await new CallLoad().run(500, PARALLEL, whoami(direct));
    await new CallLoad().run(500, PARALLEL, whoami(viaApache));
    const whoamiDirect = new CallLoad();
    const whoamiApache = new CallLoad();
    for (let r = 0; r < ROUNDS; r++) {
      await whoamiDirect.run(WHOAMI_PER_ROUND, PARALLEL, whoami(direct));
      await whoamiApache.run(WHOAMI_PER_ROUND, PARALLEL, whoami(viaApache));
    }
    // The pause a user sees when the node holding the session dies: the next request is served elsewhere.
    const victim = viaApache[0];
    const route = victim.route!;
    await nodes[Object.keys(ADDRESSES).indexOf(route)].kill();
    const t0 = performance.now();
    const moved = expectOk(await victim.whoami(), 'whoami after SIGKILL');
    const failoverMs = performance.now() - t0;
    if (moved.json.route === route || moved.json.session !== victim.session) throw new Error(`after SIGKILL of ${route}: ${moved.body}`);

    return [
      { name: 'first request after SIGKILL of the session\'s node', value: failoverMs, unit: 'ms', note: `via Apache: ${route} -> ${moved.json.route}, same session, no re-login` },
      ...rows('login', 'logins/s', loginDirect, loginApache, `${ROUNDS * LOGINS_PER_ROUND} logins each, 4 in flight, scrypt N=16384, 3 nodes on 2 shared cores`),
      ...rows('whoami', 'req/s', whoamiDirect, whoamiApache, `${ROUNDS * WHOAMI_PER_ROUND} calls each over ${SESSIONS} sessions, ${PARALLEL} in flight`),
    ];
  } finally {
    await apache.stop();
    await killAll();
  }
}

/** Resident set size of a process in MB. */

/** MB per million sessions: what three fresh nodes grow by, and what Redis grows by for the same sessions as JSON values. */
async function memory(configDir: string): Promise<BenchRow[]> {
  // A 1 MB young generation and a full collection before each reading, so that RSS follows live
  // data rather than garbage not collected yet.
  const nodes = startCluster(configDir, { NODE_OPTIONS: `--max-semi-space-size=1 ${EXPOSE_GC}` });
  let redis: ChildProcess | undefined;
  let client: Redis | undefined;
  try {
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    await waitForCluster(Object.values(ADDRESSES), 3);
    const rss = () => nodes.reduce((sum, n) => sum + rssBytes(n.pid) / 2 ** 20, 0);
    const bases = Object.values(ADDRESSES).map((a) => `http://${a}:8009`);
    const login = (count: number) => mapLimit(Array.from({ length: count }, (_, i) => i), 24, async (i) => {
      const c = new SessionClient(bases[i % bases.length]);
      expectOk(await c.login('mem', 'mem-pw'), 'login');
      return { id: c.session!, secret: [...c.cookies].find(([k]) => k.startsWith('open-xchange-secret-'))![1] };
    });
    // Warm up first: code, buffers and heap pages that any traffic brings are not per-session memory.
    await login(MEMORY_WARMUP);
    await collectGarbage(Object.values(ADDRESSES));
    const before = rss();
    const sessions = await login(MEMORY_SESSIONS);
    await waitForCluster(Object.values(ADDRESSES), 3);
    await collectGarbage(Object.values(ADDRESSES));
    const nodesPerMillion = ((rss() - before) / MEMORY_SESSIONS) * 1_000_000;

    redis = spawn('redis-server', ['--bind', REDIS.host, '--port', String(REDIS.port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    redis.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
    await waitFor('redis-server ready', () => out.includes('Ready to accept connections'), 10_000);
    client = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const redisMemory = async () => {
      const info = await client!.info('memory');
      const mb = (field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(info)![1]) / 1024 / 1024;
      return { rss: mb('used_memory_rss'), used: mb('used_memory') };
    };
    const redisBefore = await redisMemory();
    const now = Date.now();
    for (let i = 0; i < sessions.length; i += 1000) {
      const batch = client.pipeline();
      for (const s of sessions.slice(i, i + 1000)) {
        batch.set(`ox-session:${s.id}`, JSON.stringify({ id: s.id, secret: s.secret, user: 'mem', client: 'open-xchange-appsuite', createdAt: now, lastAccess: now, origin: 'OXS2' }));
      }
      await batch.exec();
    }
    const redisAfter = await redisMemory();
    const perMillion = (mb: number) => (mb / MEMORY_SESSIONS) * 1_000_000;
    return [{
      name: 'memory per 1M sessions, 3 nodes, backup 1 (RSS)', value: nodesPerMillion, unit: 'MB', peer: 'redis-server 7, JSON values, no replica (RSS)', peerValue: perMillion(redisAfter.rss - redisBefore.rss),
      note: `extrapolated from ${MEMORY_SESSIONS} logins after ${MEMORY_WARMUP} warm-up logins, RSS read after a full GC (Jolokia exec java.lang:type=Memory gc); each session in its node's container plus owner and backup in the grid; Redis used_memory ${perMillion(redisAfter.used - redisBefore.used).toFixed(0)} MB; Open-Xchange documents ~2 GB per 1M for its Redis session storage`,
    }];
  } finally {
    client?.disconnect();
    redis?.kill('SIGKILL');
    await killAll();
  }
}

/** Login and whoami throughput and p99 on a three-node cluster, through Apache and directly; memory per session against Redis. */
export async function run(): Promise<BenchRow[]> {
  // The stock scrypt cost (N=16384) for throughput: a login's cost is mostly the password hash, as it should be.
  // A trivial cost for the memory run, which only needs many sessions quickly.
  const config = tempConfig({ 'users.properties': (await usersFile({ bench: 'bench-pw' }, 16384)) + (await usersFile({ mem: 'mem-pw' }, 2)) });
  try {
    return [...(await throughput(config.dir)), ...(await memory(config.dir))];
  } finally {
    await killAll();
    config.remove();
  }
}
