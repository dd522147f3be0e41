import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import winston from 'winston';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { createDataLayer, type DataLayer } from '../../bundles/grid/data/dataLayer.js';
import { defaultDataOptions } from '../../bundles/grid/data/dataOptions.js';
import { killAll, NodeProcess } from '../../test/support/nodeProcess.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';
import { type BenchRow, median, percentile } from './benchRow.js';
import { migrationRows } from './migrationRows.js';
import { collectGarbage, EXPOSE_GC, jolokiaSettings, rssBytes } from './nodeMemory.js';
import { cpuMicros, readWriteSyscalls } from './procCpu.js';

// Grid nodes on 127.0.9.41-.44, the benchmark's lite member on 127.0.9.48, Redis on 127.0.9.49;
// the embedded-member cluster on 127.0.9.51-.53 (the benchmark's own data member on .53).
const NODES = ['127.0.9.41', '127.0.9.42', '127.0.9.43', '127.0.9.44'];
const CLIENT = '127.0.9.48';
const EMBEDDED = ['127.0.9.51', '127.0.9.52', '127.0.9.53'];
const REDIS = { host: '127.0.9.49', port: 6379 };
const IN_FLIGHT = 64;
const OPS = 60_000;
const ROUNDS = 5;
const MIGRATION_ENTRIES = 300_000;
const VALUE = 'v'.repeat(300);
const GROUP = { name: 'bench-map', password: 'bench-map-secret' };

const logger = winston.createLogger({ level: 'error', transports: [new winston.transports.Console()] });

/** An `oxk start` node on `members[i]`, joining the others statically. */
function node(members: string[], i: number, configDir: string): NodeProcess {
  return new NodeProcess({
    configDir,
    label: `map-${members[i]}`,
    env: { NODE_OPTIONS: EXPOSE_GC },
    set: {
      ...jolokiaSettings,
      'com.openexchange.server.backendRoute': `OXM${members[i].split('.')[3]}`,
      'com.openexchange.connector.networkListenerHost': members[i],
      'com.openexchange.hazelcast.network.interfaces': members[i],
      'com.openexchange.hazelcast.group.name': GROUP.name,
      'com.openexchange.hazelcast.group.password': GROUP.password,
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': members.join(','),
      'com.openexchange.hazelcast.network.join.probeInterval': '500ms',
    },
  });
}

/** Runs `op(i)` for i in [0, count) with IN_FLIGHT in flight; returns ops/s and per-op latencies (ms). */
async function drive(count: number, op: (i: number) => Promise<unknown>): Promise<{ opsPerSec: number; latencies: number[] }> {
  const latencies = new Array<number>(count);
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies[i] = performance.now() - t;
    }
  }));
  return { opsPerSec: count / ((performance.now() - start) / 1000), latencies };
}

interface Measured { opsPerSec: number; latencies: number[]; cpuPerOp: number; syscallsPerOp: number }

/** CPU time (us) used so far by this process and the given server processes. */
function cpuOf(pids: readonly number[]): number {
  const own = process.cpuUsage();
  return own.user + own.system + pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
}

/** Read and write system calls made so far by this process and the given server processes. */
function syscallsOf(pids: readonly number[]): number {
  return readWriteSyscalls('self') + pids.reduce((sum, pid) => sum + readWriteSyscalls(pid), 0);
}

/** `drive`, with the CPU time and system calls per operation of this process (the client) and the store's server processes. */
async function measured(store: Store, op: (i: number) => Promise<unknown>): Promise<Measured> {
  const before = cpuOf(store.pids());
  const callsBefore = syscallsOf(store.pids());
  const m = await drive(OPS, op);
  return { ...m, cpuPerOp: (cpuOf(store.pids()) - before) / OPS, syscallsPerOp: (syscallsOf(store.pids()) - callsBefore) / OPS };
}

/**
 * Four rows (ops/s, p50, p99, CPU per operation) of one grid operation against the Redis command
 * that does the same, in the same round. CPU per operation (client and servers together) hardly
 * depends on how busy the shared machine is; on 2 cores it bounds what throughput can reach.
 */
function rows(what: string, grid: Measured, peer: string, redis: Measured, note: string, perOp: { cpu: [grid: number, redis: number]; syscalls: [grid: number, redis: number] }): BenchRow[] {
  return [
    { name: `map ${what}`, value: grid.opsPerSec, unit: 'ops/s', peer, peerValue: redis.opsPerSec, note },
    { name: `map ${what} p50`, value: percentile(grid.latencies, 50), unit: 'ms', peer, peerValue: percentile(redis.latencies, 50) },
    { name: `map ${what} p99`, value: percentile(grid.latencies, 99), unit: 'ms', peer, peerValue: percentile(redis.latencies, 99) },
    {
      name: `map ${what} CPU per op`, value: perOp.cpu[0], unit: 'us', peer, peerValue: perOp.cpu[1],
      note: 'user + system time of this process (client) and the servers (grid nodes, or redis-server) per operation, median of the rounds',
    },
    {
      name: `map ${what} syscalls per op`, value: perOp.syscalls[0], unit: 'calls', peer, peerValue: perOp.syscalls[1],
      note: 'socket reads and writes of the client and the servers per operation, median of the rounds',
    },
  ];
}

/** The three operations measured on the grid and on Redis: set and SET store without answering the old value, put and SET ... GET also return it. */
interface Store {
  set(key: string, value: string): Promise<unknown>;
  put(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  /** The server processes (grid nodes, redis-server) whose CPU time counts. */
  pids(): number[];
}

interface Measurements { set: Measured; put: Measured; get: Measured }

/** Warms up (JIT, connections, allocators) the same way for every store, then measures set, put and get. */
async function measure(store: Store): Promise<Measurements> {
  for (const prefix of ['warm', 'k']) await drive(OPS, (i) => store.put(`${prefix}${i}`, VALUE));
  await drive(OPS, (i) => store.get(`warm${i}`));
  const set = await measured(store, (i) => store.set(`k${i}`, VALUE));
  const put = await measured(store, (i) => store.put(`k${i}`, VALUE));
  const get = await measured(store, (i) => store.get(`k${i}`));
  return { set, put, get };
}

type Op = keyof Measurements;
const OPERATIONS: Op[] = ['set', 'put', 'get'];

/**
 * Per operation, the round whose grid/Redis ratio is the median one, with the spread of the
 * rounds' ratios. Redis and the grid are measured back to back within a round, so a round's ratio
 * is little affected by the shared machine getting faster or slower between rounds (it does, by
 * tens of percent), which a ratio of separate medians would be.
 */
function medianRound(grid: Measurements[], redis: Measurements[], op: Op): { grid: Measured; redis: Measured; ratios: number[] } {
  const rounds = grid.map((g, i) => ({ grid: g[op], redis: redis[i][op], ratio: g[op].opsPerSec / redis[i][op].opsPerSec }));
  const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
  return { ...byRatio[Math.floor(byRatio.length / 2)], ratios: byRatio.map((r) => r.ratio) };
}

/** Redis and the grid in turns, ROUNDS times; each operation's row is its median round by ratio. */
async function compare(grid: Store, redis: Store, where: string, label = ''): Promise<BenchRow[]> {
  const g: Measurements[] = [];
  const r: Measurements[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    r.push(await measure(redis));
    g.push(await measure(grid));
  }
  const names: Record<Op, [string, string]> = {
    set: [`set${label}`, 'redis 7 SET via ioredis'],
    put: [`put${label} (returns old value)`, 'redis 7 SET ... GET'],
    get: [`get${label}`, 'redis 7 GET'],
  };
  return OPERATIONS.flatMap((op) => {
    const m = medianRound(g, r, op);
    const spread = `ratios of the ${ROUNDS} rounds ${m.ratios[0].toFixed(2)}-${m.ratios[m.ratios.length - 1].toFixed(2)}`;
    const note = `3 nodes, backup 1, 300-byte values, ${IN_FLIGHT} in flight, ${where}; median of ${ROUNDS} rounds (Redis, then grid), ${spread}`;
    const perOp = (field: 'cpuPerOp' | 'syscallsPerOp') => [median(g.map((x) => x[op][field])), median(r.map((x) => x[op][field]))] as [number, number];
    return rows(names[op][0], m.grid, names[op][1], m.redis, note, { cpu: perOp('cpuPerOp'), syscalls: perOp('syscallsPerOp') });
  });
}

function gridStore(layer: DataLayer, name: string, nodes: readonly NodeProcess[]): Store {
  const map = layer.getMap<string>(name);
  return { set: (k, v) => map.set(k, v), put: (k, v) => map.put(k, v), get: (k) => map.get(k), pids: () => nodes.map((n) => n.pid) };
}

async function startRedis(): Promise<ChildProcess> {
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    throw new Error('redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (Redis 7 from Debian)');
  }
  const child = spawn('redis-server', ['--bind', REDIS.host, '--port', String(REDIS.port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  await waitFor('redis-server to accept connections', async () => {
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      probe.disconnect();
      return false;
    }
  }, 10_000, 50);
  probe.disconnect();
  return child;
}

/** A member inside this process: a lite one (holds nothing, like `oxk map`) or a data member (as an OX node is). */
async function benchMember(address: string, members: string[], lite: boolean): Promise<{ layer: DataLayer; stop(): Promise<void>; safe(): boolean; members(): number }> {
  const member = await createClusterNode({
    join: 'static', staticNodes: members.join(','), interfaces: address, lite, route: 'BENCH',
    groupName: GROUP.name, password: GROUP.password, probeIntervalMs: 500,
  }, logger);
  const layer = createDataLayer(member, { ...defaultDataOptions, operationTimeoutMs: 30_000 }, logger);
  return { layer, safe: () => layer.isClusterSafe(), members: () => member.view().members.length, stop: async () => { await layer.stop(); await member.stop(); } };
}

/** Two nodes plus this process as the third data member: how an OX node uses the grid for its sessions. */
async function embeddedMember(configDir: string, redis: Store): Promise<BenchRow[]> {
  const nodes = [node(EMBEDDED, 0, configDir)];
  await nodes[0].ready(30_000);
  nodes.push(node(EMBEDDED, 1, configDir));
  await nodes[1].ready(30_000);
  const member = await benchMember(EMBEDDED[2], EMBEDDED, false);
  try {
    await waitFor('a safe 3-member cluster', () => member.safe() && member.layer.partitions().every((p) => p.owner && p.backups.length === 1), 30_000, 50);
    return await compare(gridStore(member.layer, 'bench', nodes), redis, 'client is one of the 3 data members (as an OX node)', ', embedded');
  } finally {
    await member.stop();
    await Promise.all(nodes.map((n) => n.kill()));
  }
}

export async function run(): Promise<BenchRow[]> {
  const config = tempConfig();
  const redisProcess = await startRedis();
  const redis = new Redis(REDIS);
  let client: Awaited<ReturnType<typeof benchMember>> | undefined;
  try {
    // Redis is measured in turns with the grid, with the same cluster processes up (idle while Redis runs).
    const redisStore: Store = {
      set: (k, v) => redis.set(k, v), put: (k, v) => redis.set(k, v, 'GET'), get: (k) => redis.get(k), pids: () => [redisProcess.pid ?? -1],
    };
    const nodes = [node(NODES, 0, config.dir)];
    await nodes[0].ready(30_000);
    nodes.push(node(NODES, 1, config.dir), node(NODES, 2, config.dir));
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    client = await benchMember(CLIENT, NODES.slice(0, 3), true);
    const c = client;
    await waitFor('a safe 3-node cluster', () => c.safe() && c.layer.partitions().every((p) => p.owner), 30_000, 50);
    // Memory after one warm-up pass (the heaps have grown to their working size, as in a node that
    // has run a while) and before the measured rounds, which would leave the heaps more slack: RSS
    // growth of the three nodes per stored entry copy (owner + backup) vs Redis used_memory per key.
    // Its entries stay for the migration below.
    const store = gridStore(c.layer, 'bench', nodes.slice(0, 3));
    await measure(store);
    const usedBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    await collectGarbage(NODES.slice(0, 3));
    const rssBefore = nodes.reduce((s, n) => s + rssBytes(n.pid), 0);
    const big = c.layer.getMap<string>('migration');
    await drive(MIGRATION_ENTRIES, (i) => big.put(`m${i}`, VALUE));
    await drive(MIGRATION_ENTRIES, (i) => redis.set(`m${i}`, VALUE));
    await collectGarbage(NODES.slice(0, 3));
    const rssAfter = nodes.reduce((s, n) => s + rssBytes(n.pid), 0);
    const usedAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    const out = await compare(store, redisStore, 'client is a lite member');
    out.push({
      name: 'memory per entry copy', value: (rssAfter - rssBefore) / (2 * MIGRATION_ENTRIES), unit: 'bytes',
      peer: 'redis used_memory per key', peerValue: (usedAfter - usedBefore) / MIGRATION_ENTRIES,
      note: `RSS growth of 3 warmed-up nodes for ${MIGRATION_ENTRIES} entries x 2 copies, 300-byte values, read after a full GC`,
    });

    // Migration: a fourth node joins three holding the 300k entries, under a steady load.
    out.push(...await migrationRows({
      layer: c.layer, members: c.members, join: () => nodes.push(node(NODES, 3, config.dir)),
      entries: MIGRATION_ENTRIES, key: (i) => `m${i}`, load: c.layer.getMap<string>('bench'), loadKeys: OPS, value: VALUE,
    }));
    await client.stop();
    client = undefined;
    await Promise.all(nodes.map((n) => n.kill()));
    return [...out, ...await embeddedMember(config.dir, redisStore)];
  } finally {
    await client?.stop();
    redis.disconnect();
    redisProcess.kill('SIGKILL');
    await killAll();
    config.remove();
  }
}
