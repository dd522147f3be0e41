import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { RegionSettings } from '../../bundles/cache-jcs/api.js';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { coarseClock } from '../../bundles/cache-jcs/region/coarseClock.js';
import { Region } from '../../bundles/cache-jcs/region/region.js';
import { CacheClient, cacheDriverBundlesPath } from '../../test/support/cacheDriver.js';
import { gridNode, waitForMembers } from '../../test/support/gridNodes.js';
import { killAll, NodeProcess } from '../../test/support/nodeProcess.js';
import { defaultConfigDir } from '../../test/support/paths.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';
import { type BenchRow, percentile } from './benchRow.js';

// Grid-topic nodes on 127.0.9.71-.73, LTCP nodes on 127.0.9.74-.76.
const GRID_HOSTS = ['127.0.9.71', '127.0.9.72', '127.0.9.73'];
const LTCP_HOSTS = ['127.0.9.74', '127.0.9.75', '127.0.9.76'];
const ROUNDS = 300;
const WARM_UP = 30;
const KEYS = 10_000;
const GETS = 2_000_000;
const BURST = 10_000;

/** Gets per second over `keys`, best of three runs (the machine is shared). */
function getRate(get: (key: string) => unknown, keys: string[]): number {
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let found = 0;
    const t0 = performance.now();
    for (let i = 0; i < GETS; i++) if (get(keys[i % keys.length]!) !== undefined) found++;
    const seconds = (performance.now() - t0) / 1000;
    if (found !== GETS) throw new Error(`expected ${GETS} hits, got ${found}`);
    best = Math.max(best, GETS / seconds);
  }
  return best;
}

function localGets(): BenchRow[] {
  const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`);
  const settings: RegionSettings = {
    ...emptyCcfModel().defaults, name: 'Bench', maxObjects: 100_000, isEternal: false,
    maxLifeSeconds: 3600, idleTimeSeconds: 1800, useMemoryShrinker: true, maxMemoryIdleTimeSeconds: 3600,
  };
  const region = new Region<string>(settings, { now: coarseClock(), issueRemoveOnPut: false, invalidate: () => false });
  const plain = new LRUCache<string, string>({ max: 100_000 });
  for (const k of keys) {
    region.put(k, k);
    plain.set(k, k);
  }
  const regionRate = getRate((k) => region.get(k), keys);
  const plainRate = getRate((k) => plain.get(k), keys);
  return [{
    name: 'region get (LRU, max life and idle checks, stats)', value: regionRate, unit: 'gets/s',
    peer: 'plain lru-cache get', peerValue: plainRate, note: `${KEYS} keys, in process, best of 3 x ${GETS}`,
  }];
}

/** Remove on the first node until the key is gone on both others, as the two other nodes' clients see it. */
async function latencies(clients: CacheClient[], region: string): Promise<number[]> {
  const [origin, ...others] = clients;
  const results: number[] = [];
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    const key = `bench-${round}`;
    await Promise.all(others.map(async (c) => {
      await c.put(region, key, 'v');
      if ((await c.get(region, key)) !== 'v') throw new Error(`${c.host} does not hold ${region}/${key}`);
    }));
    const t0 = performance.now();
    await origin!.remove(region, key);
    await Promise.all(others.map((c) => waitFor(`${key} gone on ${c.host}`, async () => (await c.get(region, key)) === undefined, 10_000, 0)));
    if (round >= WARM_UP) results.push(performance.now() - t0);
  }
  return results;
}

/** Invalidations per second: a burst of removes on the first node until both others applied all of them. */
async function throughput(clients: CacheClient[], region: string): Promise<number> {
  const [origin, ...others] = clients;
  const before = await Promise.all(others.map(async (c) => (await c.stats(region)).invalidationsReceived));
  const t0 = performance.now();
  await origin!.removeMany(region, 'burst-', BURST);
  await waitFor('the burst applied on both other nodes', async () => {
    const now = await Promise.all(others.map(async (c) => (await c.stats(region)).invalidationsReceived));
    return now.every((n, i) => n - before[i]! >= BURST);
  }, 60_000, 10);
  return BURST / ((performance.now() - t0) / 1000);
}

interface ModeResult {
  latencies: number[];
  perSecond: number;
}

async function cluster(mode: 'grid' | 'ltcp'): Promise<ModeResult> {
  const hosts = mode === 'grid' ? GRID_HOSTS : LTCP_HOSTS;
  const config = mode === 'grid'
    ? tempConfig()
    : tempConfig({ 'cache.ccf': `${readFileSync(join(defaultConfigDir, 'cache.ccf'), 'utf8')}\njcs.auxiliary.LTCP.attributes.TcpServers=${hosts.map((h) => `${h}:57462`).join(',')}\n` });
  try {
    const nodes = hosts.map((address, i) => mode === 'grid'
      ? gridNode({ configDir: config.dir, address, route: `OXB${i}`, staticNodes: hosts, set: { 'kernel.bundles.path': cacheDriverBundlesPath, 'com.openexchange.hazelcast.group.name': 'cache-bench' } })
      : new NodeProcess({ configDir: config.dir, label: `OXB${i}`, set: {
        'com.openexchange.connector.networkListenerHost': address, 'com.openexchange.server.backendRoute': `OXB${i}`,
        'com.openexchange.caching.jcs.eventInvalidation': false, 'kernel.bundles.grid.enabled': false, 'kernel.bundles.path': cacheDriverBundlesPath,
      } }));
    await Promise.all(nodes.map((n) => n.ready(30_000)));
    if (mode === 'grid') await waitForMembers(hosts, 3, 30_000);
    else await waitFor('LTCP mesh', () => nodes.every((n) => n.lines.filter((l) => /LTCP peer OXB\d .* connected$/.test(l)).length >= 2), 20_000);
    const clients = hosts.map((h) => new CacheClient(h));
    return { latencies: await latencies(clients, 'User'), perSecond: await throughput(clients, 'User') };
  } finally {
    await killAll();
    config.remove();
  }
}

/** Invalidation latency across three real nodes in both modes, and a region's local get rate against plain lru-cache. */
export async function run(): Promise<BenchRow[]> {
  const grid = await cluster('grid');
  const ltcp = await cluster('ltcp');
  const note = `3 nodes, ${ROUNDS} removes; until gone on both others, seen by polling over HTTP`;
  const peer = 'LTCP (legacy lateral TCP)';
  return [
    { name: 'invalidation latency p50, grid topic', value: percentile(grid.latencies, 50), unit: 'ms', peer, peerValue: percentile(ltcp.latencies, 50), note },
    { name: 'invalidation latency p99, grid topic', value: percentile(grid.latencies, 99), unit: 'ms', peer, peerValue: percentile(ltcp.latencies, 99), note },
    { name: 'invalidation throughput, grid topic', value: grid.perSecond, unit: 'events/s', peer, peerValue: ltcp.perSecond, note: `a burst of ${BURST} removes on one node, until applied on both others` },
    ...localGets(),
  ];
}
