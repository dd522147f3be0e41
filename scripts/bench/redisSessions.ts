import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisConnection } from '../../bundles/redis/connection.js';
import { RedisSessionStorage } from '../../bundles/sessionstorage-redis/redisSessionStorage.js';
import { LocalSession } from '../../bundles/sessiond/localSession.js';
import { captureLogger } from '../../test/support/captureLogger.js';
import { killAll, type NodeProcess } from '../../test/support/nodeProcess.js';
import { RedisProcess, redisCli, removeAllRedis } from '../../test/support/redisServers.js';
import { expectOk, mapLimit, SessionClient, usersFile } from '../../test/support/sessionClient.js';
import { sessionNode } from '../../test/support/sessionNodes.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';
import type { BenchRow } from './benchRow.js';
import { CallLoad } from './callLoad.js';

// Redis on 127.0.20.1:6379; one node with the grid storage on 127.0.20.2, one with the Redis storage
// on 127.0.20.3; the express-session + connect-redis peer on 127.0.20.4:8009, on the same Redis.
const REDIS = '127.0.20.1:6379';
const GRID_NODE = '127.0.20.2';
const REDIS_NODE = '127.0.20.3';
const PEER = '127.0.20.4';
const ROUNDS = 4;
const SESSIONS = 64;
const WHOAMI_PER_ROUND = 1000;
const LOGINS_PER_ROUND = 24;
const PARALLEL = 16;
/** Sessions written for the memory figure, extrapolated to one million. */
const MEMORY_SESSIONS = 50_000;
/** Open-Xchange's sizing note for its Redis session storage: about 2 GB per million sessions. */
const OX_DOCUMENTED_MB_PER_MILLION = 2048;

interface Target {
  base: string;
  whoami(c: SessionClient): Promise<unknown>;
}

async function startPeer(): Promise<() => void> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'expressSession.js');
  const child = spawn(process.execPath, [script, PEER, '8009', `redis://${REDIS}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  await waitFor('express-session peer ready', () => out.includes('ready'), 15_000);
  return () => child.kill('SIGKILL');
}

const nodeSet = (storage: 'grid' | 'redis') => ({
  'com.openexchange.sessiond.maxSessionPerUser': 0,
  'com.openexchange.sessiond.maxSession': 0,
  ...(storage === 'redis'
    ? { 'com.openexchange.redis.enabled': true, 'com.openexchange.redis.hosts': REDIS, 'com.openexchange.sessiond.redis.enabled': true, 'com.openexchange.sessionstorage.hazelcast.enabled': false }
    : {}),
});

async function sessionsOn(t: Target): Promise<SessionClient[]> {
  return mapLimit(Array.from({ length: SESSIONS }, (_, i) => i), 8, async () => {
    const c = new SessionClient(t.base);
    expectOk(await c.login('bench', 'bench-pw'), `login on ${t.base}`);
    return c;
  });
}

/** whoami and login on both storages and the peer, in alternating rounds so all see the same load. */
async function throughput(configDir: string): Promise<BenchRow[]> {
  const nodes: NodeProcess[] = [
    sessionNode({ configDir, address: GRID_NODE, route: 'OXG', set: nodeSet('grid') }),
    sessionNode({ configDir, address: REDIS_NODE, route: 'OXR', set: nodeSet('redis') }),
  ];
  await Promise.all(nodes.map((n) => n.ready(30_000)));
  const stopPeer = await startPeer();
  try {
    const ours = (address: string): Target => ({ base: `http://${address}:8009`, whoami: async (c) => expectOk(await c.whoami(), 'whoami') });
    const peer: Target = { base: `http://${PEER}:8009`, whoami: async (c) => expectOk(await c.request('GET', '/ajax/system?action=whoami'), 'peer whoami') };
    const targets = { grid: ours(GRID_NODE), redis: ours(REDIS_NODE), peer };
    const clients = { grid: await sessionsOn(targets.grid), redis: await sessionsOn(targets.redis), peer: await sessionsOn(peer) };
    const whoami = { grid: new CallLoad(), redis: new CallLoad(), peer: new CallLoad() };
    const login = { grid: new CallLoad(), redis: new CallLoad() };
    for (let r = 0; r < ROUNDS; r++) {
      // The order turns each round, so that no target always runs first (or right after the logins).
      const order = (['redis', 'peer', 'grid'] as const).map((_, i, all) => all[(i + r) % all.length]!);
      for (const k of order) {
        await whoami[k].run(WHOAMI_PER_ROUND, PARALLEL, (i) => targets[k].whoami(clients[k][i % SESSIONS]!).then(() => undefined));
      }
      for (const k of ['redis', 'grid'] as const) {
        await login[k].run(LOGINS_PER_ROUND, 4, async () => { expectOk(await new SessionClient(targets[k].base).login('bench', 'bench-pw'), 'login'); });
      }
    }
    const note = `${SESSIONS} sessions, ${PARALLEL} in flight, ${ROUNDS} alternating rounds of ${WHOAMI_PER_ROUND}`;
    return [
      { name: 'whoami throughput, Redis storage', value: whoami.redis.perSecond, unit: 'req/s', peer: 'express-session + connect-redis, same Redis', peerValue: whoami.peer.perSecond, note },
      { name: 'whoami p99, Redis storage', value: whoami.redis.p(99), unit: 'ms', peer: 'express-session + connect-redis, same Redis', peerValue: whoami.peer.p(99), note: `p50 ${whoami.redis.p(50).toFixed(1)} ms, peer ${whoami.peer.p(50).toFixed(1)} ms` },
      { name: 'whoami throughput, Redis storage', value: whoami.redis.perSecond, unit: 'req/s', peer: 'grid storage (one node)', peerValue: whoami.grid.perSecond, note },
      { name: 'whoami p99, Redis storage', value: whoami.redis.p(99), unit: 'ms', peer: 'grid storage (one node)', peerValue: whoami.grid.p(99) },
      { name: 'login throughput, Redis storage', value: login.redis.perSecond, unit: 'logins/s', peer: 'grid storage (one node)', peerValue: login.grid.perSecond, note: 'scrypt N=16384 per login dominates both' },
    ];
  } finally {
    stopPeer();
    await killAll();
  }
}

/** Redis used_memory for MEMORY_SESSIONS sessions written the way sessionstorage-redis writes them. */
async function memory(): Promise<BenchRow> {
  const { logger } = captureLogger();
  const [host, port] = REDIS.split(':');
  const redis = new RedisConnection({
    mode: 'standalone', hosts: [{ host: host!, port: Number(port) }], masterId: '', username: '', password: '', ssl: false, database: 0,
    connectTimeoutMs: 2000, commandTimeoutMs: 5000, waitForReplicas: 0, cacheInvalidation: false, name: 'bench', logger,
  });
  await redis.connect();
  try {
    await redisCli(REDIS, 'FLUSHALL');
    const used = async () => Number(/used_memory:(\d+)/.exec(await redisCli(REDIS, 'INFO', 'memory'))![1]);
    const before = await used();
    const storage = new RedisSessionStorage({ redis, logger, waitForReplicas: 0 });
    await mapLimit(Array.from({ length: MEMORY_SESSIONS }, (_, i) => i), 64, async (i) => {
      await storage.put(LocalSession.create(`user${i % 5000}@context${i % 50}`, 'open-xchange-appsuite', 'OX1', Date.now()).toStored());
    });
    const perMillion = ((await used()) - before) / MEMORY_SESSIONS * 1e6 / 2 ** 20;
    return {
      name: 'Redis memory per 1M sessions (used_memory)', value: perMillion, unit: 'MB', peer: 'Open-Xchange 8 documented (~2 GB per 1M)', peerValue: OX_DOCUMENTED_MB_PER_MILLION,
      note: `extrapolated from ${MEMORY_SESSIONS} sessions of 5000 users: session key, user index and last-access set; the peer is a documented figure, not a measurement`,
    };
  } finally {
    await redis.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const config = tempConfig({ 'users.properties': await usersFile({ bench: 'bench-pw' }, 16384) });
  await RedisProcess.start(REDIS);
  try {
    return [...(await throughput(config.dir)), await memory()];
  } finally {
    await removeAllRedis();
    config.remove();
  }
}
