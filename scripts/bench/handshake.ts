import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import winston from 'winston';
import { NodeProcess } from '../../test/support/nodeProcess.js';
import { waitFor } from '../../test/support/waitFor.js';
import { type BenchRow, median } from './benchRow.js';

// The grid node on 127.0.10.50, the client on 127.0.10.51, Redis on 127.0.10.52 (this benchmark only).
const NODE = '127.0.10.50';
const CLIENT = '127.0.10.51';
const REDIS = { host: '127.0.10.52', port: 6379, password: 'bench-secret-3' };
const GROUP = { name: 'bench-handshake', password: 'bench-secret-3' };
const IN_FLIGHT = 8;
const ROUND_MS = 3000;
const ROUNDS = 3;
/**
 * Another build's root (e.g. a worktree of `legacy-0.1.0`, built), to measure its node and client
 * instead of this one: `OXK_BENCH_ROOT=/tmp/legacy npm run bench -- handshake`.
 */
const root = process.env.OXK_BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const logger = winston.createLogger({ level: 'error', transports: [new winston.transports.Console()] });

interface TransportLike {
  connect(address: string): Promise<{ conn: { close(reason: string): void } }>;
  close(): void;
  keyDerivationMs?: number;
}

/** A Transport of the build under `root` (the same code every member and `oxk map` use), as a client only. */
async function client(): Promise<{ transport: TransportLike; version: string; startMs: number }> {
  const dist = join(root, 'dist', 'bundles', 'grid', 'transport');
  const { Transport } = (await import(pathToFileURL(join(dist, 'transport.js')).href)) as { Transport: new (...a: unknown[]) => TransportLike & { identity?: Promise<unknown> } };
  const { PROTOCOL_VERSION } = (await import(pathToFileURL(join(dist, 'frame.js')).href)) as { PROTOCOL_VERSION: string };
  // Builds since protocolVersion.ts name the cluster by the major only; older ones by major.minor.
  const versionModule = join(dist, 'protocolVersion.js');
  const clusterName = existsSync(versionModule)
    ? ((await import(pathToFileURL(versionModule).href)) as { effectiveClusterName(group: string): string }).effectiveClusterName(GROUP.name)
    : `${GROUP.name}-${PROTOCOL_VERSION}`;
  const started = performance.now();
  const transport = new Transport({
    bindHost: CLIENT, advertiseHost: CLIENT, port: 5701, portAutoIncrement: true, outboundPorts: [], maxFrameSize: 1 << 20,
    maxBufferedBytes: 1 << 24, handshakeTimeoutMs: 5000, connectTimeoutMs: 1000, maxPendingHandshakes: 64, maxPendingHandshakesPerAddress: 16,
  }, {
    clusterName,
    password: GROUP.password,
    member: () => ({ id: 'bench-client', address: `${CLIENT}:5701`, route: 'BENCH', version: PROTOCOL_VERSION, lite: true, dataMember: false }),
    status: () => ({ joined: false, masterId: '', masterAddress: '', viewVersion: 0, memberIds: [] }),
  }, logger);
  await transport.identity;
  return { transport, version: PROTOCOL_VERSION, startMs: transport.keyDerivationMs ?? performance.now() - started };
}

/** Connections (connect + authenticate + close) per second with IN_FLIGHT loops for `ms`. */
async function loop(ms: number, once: () => Promise<void>): Promise<number> {
  let done = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < until) {
      await once();
      done++;
    }
  }));
  return done / ((performance.now() - started) / 1000);
}

async function startRedis(): Promise<ChildProcess> {
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    throw new Error('redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (Redis 7 from Debian)');
  }
  const child = spawn('redis-server', ['--bind', REDIS.host, '--port', String(REDIS.port), '--save', '', '--appendonly', 'no', '--requirepass', REDIS.password], { stdio: 'ignore' });
  await waitFor('redis-server to accept connections', async () => {
    const probe = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000, 50);
  return child;
}

/** One Redis connection: connect, AUTH (ioredis sends it on connect), PING to be sure it is usable, QUIT. */
async function redisOnce(): Promise<void> {
  const r = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  await r.connect();
  await r.ping();
  r.disconnect();
}

export async function run(): Promise<BenchRow[]> {
  const configDir = mkdtempSync(join(tmpdir(), 'oxk-bench-handshake-'));
  const redis = await startRedis();
  const node = new NodeProcess({
    configDir,
    label: 'handshake-bench',
    bin: join(root, 'dist', 'cli', 'oxk.js'),
    set: {
      'com.openexchange.server.backendRoute': 'OXHB',
      'com.openexchange.connector.networkListenerHost': NODE,
      'com.openexchange.hazelcast.network.interfaces': NODE,
      'com.openexchange.hazelcast.group.name': GROUP.name,
      'com.openexchange.hazelcast.group.password': GROUP.password,
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': NODE,
    },
  });
  try {
    await node.ready(30_000);
    const { transport, version, startMs } = await client();
    const gridOnce = async () => {
      const { conn } = await transport.connect(`${NODE}:5701`);
      conn.close('bench: done');
    };
    const grid: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      peer.push(await loop(ROUND_MS, redisOnce));
      grid.push(await loop(ROUND_MS, gridOnce));
    }
    transport.close();
    const note = `a client loop (${IN_FLIGHT} in flight) against one node, protocol ${version}; median of ${ROUNDS} rounds of ${ROUND_MS / 1000} s (Redis, then grid)`;
    return [
      { name: 'authenticated connections accepted', value: median(grid), unit: 'conn/s', peer: 'redis 7 connect + AUTH + PING via ioredis', peerValue: median(peer), note },
      { name: 'group key derivation at start', value: startMs, unit: 'ms', note: version.startsWith('2.')
        ? `protocol ${version}: no key derivation (its HMAC is keyed with the password itself)`
        : `protocol ${version}: scrypt N=2^16, r=8, p=1, once per process (client side of this run)` },
    ];
  } finally {
    await node.stop();
    redis.kill('SIGTERM');
    rmSync(configDir, { recursive: true, force: true });
  }
}
