import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import winston from 'winston';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { createDataLayer, type DataLayer } from '../../bundles/grid/data/dataLayer.js';
import { defaultDataOptions } from '../../bundles/grid/data/dataOptions.js';
import { partitionOf } from '../../bundles/grid/partition/partitionTable.js';
import { killAll, NodeProcess } from '../../test/support/nodeProcess.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';
import { type BenchRow, percentile } from './benchRow.js';

// Grid nodes on 127.0.9.41-.44, the benchmark's lite member on 127.0.9.48, Redis on 127.0.9.49.
const NODES = ['127.0.9.41', '127.0.9.42', '127.0.9.43', '127.0.9.44'];
const CLIENT = '127.0.9.48';
const REDIS = { host: '127.0.9.49', port: 6379 };
const IN_FLIGHT = 64;
const OPS = 60_000;
const MIGRATION_ENTRIES = 300_000;
const VALUE = 'v'.repeat(300);
const GROUP = { name: 'bench-map', password: 'bench-map-secret' };

const logger = winston.createLogger({ level: 'error', transports: [new winston.transports.Console()] });

function node(i: number, configDir: string): NodeProcess {
  return new NodeProcess({
    configDir,
    label: `map${i + 1}`,
    set: {
      'com.openexchange.server.backendRoute': `OXM${i + 1}`,
      'com.openexchange.connector.networkListenerHost': NODES[i],
      'com.openexchange.hazelcast.network.interfaces': NODES[i],
      'com.openexchange.hazelcast.group.name': GROUP.name,
      'com.openexchange.hazelcast.group.password': GROUP.password,
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': NODES.join(','),
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

interface Measured { opsPerSec: number; latencies: number[] }

/** Three rows (ops/s, p50, p99) of one grid operation against the Redis command that does the same. */
function rows(what: string, grid: Measured, peer: string, redis: Measured): BenchRow[] {
  const note = `3 nodes, backup 1, 300-byte values, ${IN_FLIGHT} in flight, client is a lite member`;
  return [
    { name: `map ${what}`, value: grid.opsPerSec, unit: 'ops/s', peer, peerValue: redis.opsPerSec, note },
    { name: `map ${what} p50`, value: percentile(grid.latencies, 50), unit: 'ms', peer, peerValue: percentile(redis.latencies, 50) },
    { name: `map ${what} p99`, value: percentile(grid.latencies, 99), unit: 'ms', peer, peerValue: percentile(redis.latencies, 99) },
  ];
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
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

async function liteClient(): Promise<{ layer: DataLayer; stop(): Promise<void>; safe(): boolean }> {
  const member = await createClusterNode({
    join: 'static', staticNodes: NODES.join(','), interfaces: CLIENT, lite: true, route: 'BENCH',
    groupName: GROUP.name, password: GROUP.password, probeIntervalMs: 500,
  }, logger);
  const layer = createDataLayer(member, { ...defaultDataOptions, operationTimeoutMs: 30_000 }, logger);
  return { layer, safe: () => layer.isClusterSafe(), stop: async () => { await layer.stop(); await member.stop(); } };
}

export async function run(): Promise<BenchRow[]> {
  const config = tempConfig();
  const redisProcess = await startRedis();
  const redis = new Redis(REDIS);
  let client: Awaited<ReturnType<typeof liteClient>> | undefined;
  try {
    const nodes = [node(0, config.dir)];
    await nodes[0].ready(30_000);
    nodes.push(node(1, config.dir), node(2, config.dir));
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    client = await liteClient();
    const c = client;
    await waitFor('a safe 3-node cluster', () => c.safe() && c.layer.partitions().every((p) => p.owner), 30_000, 50);
    const map = c.layer.getMap<string>('bench');

    // Warm-up (JIT, connections, Redis allocator): the same for both.
    for (const prefix of ['warm', 'k']) {
      await drive(OPS, (i) => map.put(`${prefix}${i}`, VALUE));
      await drive(OPS, (i) => redis.set(`${prefix}${i}`, VALUE));
    }
    await drive(OPS, (i) => map.get(`warm${i}`));
    await drive(OPS, (i) => redis.get(`warm${i}`));
    // set and SET store without answering the old value; put and SET ... GET also return it.
    const gridSet = await drive(OPS, (i) => map.set(`k${i}`, VALUE));
    const redisSet = await drive(OPS, (i) => redis.set(`k${i}`, VALUE));
    const gridPut = await drive(OPS, (i) => map.put(`k${i}`, VALUE));
    const redisPut = await drive(OPS, (i) => redis.set(`k${i}`, VALUE, 'GET'));
    const gridGet = await drive(OPS, (i) => map.get(`k${i}`));
    const redisGet = await drive(OPS, (i) => redis.get(`k${i}`));
    const out = [
      ...rows('set', gridSet, 'redis 7 SET via ioredis', redisSet),
      ...rows('put (returns old value)', gridPut, 'redis 7 SET ... GET', redisPut),
      ...rows('get', gridGet, 'redis 7 GET', redisGet),
    ];

    // Memory: RSS growth of the three nodes per stored entry copy (owner + backup) vs Redis used_memory per key.
    await redis.flushall();
    const usedBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    const rssBefore = nodes.reduce((s, n) => s + rssBytes(n.pid), 0);
    const big = c.layer.getMap<string>('migration');
    await drive(MIGRATION_ENTRIES, (i) => big.put(`m${i}`, VALUE));
    await drive(MIGRATION_ENTRIES, (i) => redis.set(`m${i}`, VALUE));
    const rssAfter = nodes.reduce((s, n) => s + rssBytes(n.pid), 0);
    const usedAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    out.push({
      name: 'memory per entry copy', value: (rssAfter - rssBefore) / (2 * MIGRATION_ENTRIES), unit: 'bytes',
      peer: 'redis used_memory per key', peerValue: (usedAfter - usedBefore) / MIGRATION_ENTRIES,
      note: `RSS growth of 3 nodes for ${MIGRATION_ENTRIES} entries x 2 copies, 300-byte values`,
    });

    // Migration: a fourth node joins three holding the 300k entries; time until the cluster is safe again.
    const before = c.layer.partitions();
    const perPartition = new Array<number>(before.length).fill(0);
    for (let i = 0; i < MIGRATION_ENTRIES; i++) perPartition[partitionOf(`m${i}`, before.length)]++;
    const t0 = performance.now();
    nodes.push(node(3, config.dir));
    await waitFor('the fourth node to join', () => c.layer.partitions().some((p) => p.owner && !before.some((b) => b.owner === p.owner || b.backups.includes(p.owner!))), 60_000, 20);
    await waitFor('the cluster to be safe with four nodes', () => c.safe(), 120_000, 20);
    const seconds = (performance.now() - t0) / 1000;
    const after = c.layer.partitions();
    let copies = 0;
    after.forEach((p, id) => {
      const had = new Set([before[id].owner, ...before[id].backups]);
      for (const holder of [p.owner, ...p.backups]) if (!had.has(holder)) copies += perPartition[id];
    });
    out.push({
      name: 'migration to a joining 4th node', value: copies / seconds, unit: 'entries/s',
      note: `${copies} entry copies of ${MIGRATION_ENTRIES} entries moved in ${seconds.toFixed(1)} s (start of the 4th process to cluster safe)`,
    });
    return out;
  } finally {
    await client?.stop();
    redis.disconnect();
    redisProcess.kill('SIGKILL');
    await killAll();
    config.remove();
  }
}
