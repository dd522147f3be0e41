import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../cli/nodeFlags.js';
import { type BenchRow, median } from './benchRow.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HOST = '127.0.9.81';
const BASE = `http://${HOST}:8009`;
const AUTH = { authorization: `Basic ${Buffer.from('bench:bench-pass').toString('base64')}` };
const READS = 300;
const SCRAPES = 50;

/** Milliseconds per call of `fn`, each call timed on its own. */
async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** One node on 127.0.9.81: Jolokia read latency against the connector's /health, and /metrics scrape time. */
export async function run(): Promise<BenchRow[]> {
  const child = spawn(process.execPath, [...NODE_FLAGS, join(root, 'dist/cli/oxk.js'), 'start', '--config', join(root, 'config'),
    '--set', `com.openexchange.connector.networkListenerHost=${HOST}`, '--set', `com.openexchange.hazelcast.network.interfaces=${HOST}`,
    '--set', `com.openexchange.caching.jcs.lateral.host=${HOST}`,
    '--set', 'com.openexchange.jolokia.user=bench', '--set', 'com.openexchange.jolokia.password=bench-pass'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`node not ready within 30 s:\n${out.slice(-2000)}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/node ready/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`node exited (${code}):\n${out.slice(-2000)}`)));
    });
    const readUrl = `${BASE}/monitoring/jolokia/read/java.lang:type=Memory/HeapMemoryUsage/used`;
    const patternUrl = `${BASE}/monitoring/jolokia/read/com.hazelcast:*`;
    await timed(20, () => get(readUrl, AUTH));
    const reads = await timed(READS, () => get(readUrl, AUTH));
    const health = await timed(READS, () => fetch(`${BASE}/health`).then((r) => r.text()));
    const patterns = await timed(SCRAPES, () => get(patternUrl, AUTH));
    let lines = 0;
    const scrapes = await timed(SCRAPES, async () => { lines = (await get(`${BASE}/metrics`)).split('\n').length; });
    return [
      { name: `Jolokia read of one attribute, GET (median of ${READS})`, value: median(reads), unit: 'ms', peer: 'GET /health on the same connector', peerValue: median(health) },
      { name: `Jolokia pattern read com.hazelcast:* (median of ${SCRAPES})`, value: median(patterns), unit: 'ms' },
      { name: `GET /metrics (median of ${SCRAPES})`, value: median(scrapes), unit: 'ms', note: `${lines} lines` },
    ];
  } finally {
    child.kill('SIGKILL');
  }
}
