import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './waitFor.js';

const run = promisify(execFile);
const live = new Set<RedisProcess>();
process.on('exit', () => {
  for (const r of live) r.child.kill('SIGKILL');
});

/** `redis-cli -h host -p port args...`; rejects with stderr when it fails. */
export async function redisCli(address: string, ...args: string[]): Promise<string> {
  const [host, port] = address.split(':');
  const { stdout } = await run('redis-cli', ['-h', host!, '-p', port!, ...args], { timeout: 60_000 });
  return stdout.trim();
}

/** One real `redis-server` (or `redis-server --sentinel`) in a temporary folder of its own. */
export class RedisProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private readonly exited: Promise<void>;
  running = true;

  private constructor(readonly address: string, readonly dir: string, args: string[], readonly conf: string) {
    this.child = spawn('redis-server', [conf, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    const collect = (b: Buffer) => this.lines.push(...b.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', () => {
      this.running = false;
      live.delete(this);
      resolve();
    }));
  }

  /**
   * Starts a server on `host:port` with `settings` (redis.conf lines), persistence off unless
   * given, and waits until it answers PING (sentinels too).
   */
  static async start(address: string, settings: string[] = [], options: { sentinel?: boolean; password?: string } = {}): Promise<RedisProcess> {
    const [host, port] = address.split(':');
    const dir = mkdtempSync(join(tmpdir(), 'oxk-redis-'));
    const conf = join(dir, options.sentinel ? 'sentinel.conf' : 'redis.conf');
    const lines = [`bind ${host}`, `port ${port}`, `dir ${dir}`, 'protected-mode no', 'daemonize no', 'logfile ""', ...(options.sentinel ? [] : ['save ""', 'appendonly no', `replica-announce-ip ${host}`, `bind-source-addr ${host}`]), ...settings];
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const r = new RedisProcess(address, dir, options.sentinel ? ['--sentinel'] : [], conf);
    const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
    await waitFor(`redis ${options.sentinel ? 'sentinel ' : ''}on ${address}`, async () => {
      if (!r.running) throw new Error(`redis-server on ${address} exited: ${r.lines.slice(-10).join('\n')}`);
      return (await redisCli(address, ...auth, 'PING')) === 'PONG';
    }, 15_000, 50);
    return r;
  }

  /** Starts it again on the same address and folder (the same config, whatever CONFIG REWRITE put there). */
  async restart(): Promise<RedisProcess> {
    await this.kill();
    const again = new RedisProcess(this.address, this.dir, this.conf.endsWith('sentinel.conf') ? ['--sentinel'] : [], this.conf);
    await waitFor(`redis on ${this.address} again`, async () => (await redisCli(this.address, 'PING')) === 'PONG', 15_000, 50);
    return again;
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Kills it and removes its folder: for teardown. */
  async remove(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A master, replicas and sentinels watching it as `masterId` (quick failover: 1 s down-after). */
export async function startSentinelSet(o: { master: string; replicas: string[]; sentinels: string[]; masterId: string }): Promise<{ master: RedisProcess; replicas: RedisProcess[]; sentinels: RedisProcess[] }> {
  const [mHost, mPort] = o.master.split(':');
  const master = await RedisProcess.start(o.master);
  const replicas = await Promise.all(o.replicas.map((a) => RedisProcess.start(a, [`replicaof ${mHost} ${mPort}`])));
  await waitFor('replicas in sync', async () => /connected_slaves:(\d+)/.exec(await redisCli(o.master, 'INFO', 'replication'))?.[1] === String(o.replicas.length), 15_000, 100);
  const sentinels = await Promise.all(o.sentinels.map((a) => RedisProcess.start(a, [
    `sentinel monitor ${o.masterId} ${mHost} ${mPort} 2`,
    `sentinel down-after-milliseconds ${o.masterId} 1000`,
    `sentinel failover-timeout ${o.masterId} 5000`,
    `sentinel parallel-syncs ${o.masterId} 1`,
    `sentinel announce-ip ${a.split(':')[0]}`,
  ], { sentinel: true })));
  await waitFor('sentinels that know each other and the replicas', async () => {
    const all = await Promise.all(o.sentinels.map((a) => redisCli(a, 'SENTINEL', 'MASTER', o.masterId)));
    return all.every((text) => {
      const fields = text.split('\n');
      const at = (k: string) => fields[fields.indexOf(k) + 1];
      return at('num-other-sentinels') === String(o.sentinels.length - 1) && at('num-slaves') === String(o.replicas.length);
    });
  }, 30_000, 200);
  return { master, replicas, sentinels };
}

/** Three or more masters with one replica each (`redis-cli --cluster create`), all slots covered. */
export async function startRedisCluster(addresses: string[]): Promise<RedisProcess[]> {
  const servers = await Promise.all(addresses.map((a) => RedisProcess.start(a, ['cluster-enabled yes', 'cluster-config-file nodes.conf', `cluster-announce-ip ${a.split(':')[0]}`, 'cluster-node-timeout 1000', 'cluster-replica-validity-factor 0'])));
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
  await waitFor('cluster state ok on every node', async () => {
    const all = await Promise.all(addresses.map((a) => redisCli(a, 'CLUSTER', 'INFO')));
    return all.every((t) => t.includes('cluster_state:ok') && t.includes(`cluster_known_nodes:${addresses.length}`));
  }, 30_000, 200);
  return servers;
}

/** Kills and removes every Redis process these tests started. */
export async function removeAllRedis(): Promise<void> {
  await Promise.all([...live].map((r) => r.remove()));
}
