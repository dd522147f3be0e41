import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type BenchRow, median } from './benchRow.js';
import { rssBytes } from './nodeMemory.js';
import { launchChromium } from '../../test/support/chromium.js';
import { killAll, NodeProcess } from '../../test/support/nodeProcess.js';
import { tempConfig } from '../../test/support/tempConfig.js';

const HOST = '127.0.28.201';
const BASE = `http://${HOST}:8009`;
const CREDENTIALS = { username: 'bench', password: 'bench-console-pw' };
const AUTH = { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` };
const LOADS = 15;
const CONSOLES = 20;
/** Length of each CPU/RSS window (the sampler ticks once a second). */
const WINDOW_MS = 10_000;

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The node's CPU (% of one core) and RSS (MiB) over one window. */
async function window(pid: number): Promise<{ cpu: number; rss: number }> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const cpu = (100 * (cpuSeconds(pid) - cpu0)) / ((performance.now() - t0) / 1000);
  return { cpu, rss: rssBytes(pid) / 2 ** 20 };
}

/** One open console's stream, read to the end like a browser's EventSource; the returned function closes it. */
async function openStream(): Promise<() => void> {
  const abort = new AbortController();
  const res = await fetch(`${BASE}/monitoring/console/events`, { headers: AUTH, signal: abort.signal });
  if (res.status !== 200) throw new Error(`console stream: HTTP ${res.status}`);
  void (async () => {
    try {
      for await (const _chunk of res.body as unknown as AsyncIterable<Uint8Array>) { /* a console reads every snapshot */ }
    } catch { /* aborted */ }
  })();
  return () => abort.abort();
}

/**
 * One node on 127.0.28.201: the console's page load to first data in headless Chromium (median)
 * against loading `/health` in the same browser, and the node's CPU and RSS without consoles and
 * with 20 connected ones.
 */
export async function run(): Promise<BenchRow[]> {
  const config = tempConfig();
  const node = new NodeProcess({ configDir: config.dir, label: 'console-bench', set: {
    'com.openexchange.server.backendRoute': 'OXB',
    'com.openexchange.connector.networkListenerHost': HOST,
    'com.openexchange.hazelcast.network.interfaces': HOST,
    'com.openexchange.jolokia.user': CREDENTIALS.username,
    'com.openexchange.jolokia.password': CREDENTIALS.password,
  } });
  const browser = await launchChromium({ credentials: CREDENTIALS });
  const closers: (() => void)[] = [];
  try {
    await node.ready(30_000);
    const page = await browser.context.newPage();
    const timedLoad = async (url: string, until: () => Promise<unknown>) => {
      const t0 = performance.now();
      await page.goto(url);
      await until();
      return performance.now() - t0;
    };
    const loads: number[] = [];
    const health: number[] = [];
    for (let i = 0; i < LOADS + 2; i++) {
      const toData = await timedLoad(`${BASE}/monitoring/console#members`, () => page.locator('tr[data-member]').first().waitFor({ timeout: 10_000 }));
      const plain = await timedLoad(`${BASE}/health`, () => page.locator('body').waitFor());
      if (i < 2) continue; // warm-up: first loads compile the modules
      loads.push(toData);
      health.push(plain);
    }
    await page.close();
    const idle = await window(node.pid);
    for (let i = 0; i < CONSOLES; i++) closers.push(await openStream());
    const busy = await window(node.pid);
    return [
      { name: `console page load to first data, headless Chromium (median of ${LOADS})`, value: median(loads), unit: 'ms', peer: 'GET /health in the same browser', peerValue: median(health) },
      { name: `node CPU with ${CONSOLES} consoles connected (${WINDOW_MS / 1000} s)`, value: busy.cpu, unit: '% of a core', peer: 'no console connected', peerValue: idle.cpu },
      { name: `node RSS with ${CONSOLES} consoles connected`, value: busy.rss, unit: 'MiB', peer: 'no console connected', peerValue: idle.rss },
    ];
  } finally {
    for (const close of closers) close();
    await browser.close();
    await killAll();
    config.remove();
  }
}
