import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../cli/nodeFlags.js';
import { type BenchRow, median } from './benchRow.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RUNS = 5;

/** Peak resident set (VmHWM) of a live process, in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Spawns a process and resolves when a line matches `ready`, with the elapsed ms and peak RSS; then kills it. */
function timeUntil(args: string[], ready: RegExp): Promise<{ ms: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no ready line within 30 s:\n${out.slice(-2000)}`)); }, 30_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (!ready.test(out)) return;
      const ms = performance.now() - t0;
      const rss = peakRssMiB(child.pid!);
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.once('exit', () => resolve({ ms, rss }));
      child.stdout.off('data', onData);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  });
}

export async function run(): Promise<BenchRow[]> {
  const node: { ms: number; rss: number }[] = [];
  const bare: { ms: number; rss: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(await timeUntil([...NODE_FLAGS, join(root, 'dist/cli/oxk.js'), 'start', '--config', join(root, 'config'),
      '--set', 'com.openexchange.connector.networkListenerHost=127.0.9.1', '--set', 'com.openexchange.hazelcast.network.interfaces=127.0.9.1',
      '--set', 'com.openexchange.caching.jcs.ltcp.listenerHost=127.0.9.1'], /node ready/));
    bare.push(await timeUntil(['-e', "require('http').createServer().listen(0, '127.0.9.2', () => { console.log('ready'); setInterval(() => {}, 1000); })"], /ready/));
  }
  return [
    { name: `cold start to "node ready" (median of ${RUNS})`, value: median(node.map((r) => r.ms)), unit: 'ms', peer: 'bare node http server', peerValue: median(bare.map((r) => r.ms)) },
    { name: 'peak RSS at ready', value: median(node.map((r) => r.rss)), unit: 'MiB', peer: 'bare node http server', peerValue: median(bare.map((r) => r.rss)) },
  ];
}
