import { type BenchRow, median } from './benchRow.js';
import { bundleOperation } from '../../bundles/management/cli/runtimeClient.js';
import { killAll, type NodeProcess } from '../../test/support/nodeProcess.js';
import { runOxk } from '../../test/support/runCli.js';
import { sessionNode, waitForCluster } from '../../test/support/sessionNodes.js';
import { tempConfig } from '../../test/support/tempConfig.js';

// Real `oxk start` processes on 127.0.18.40-.42; the third member's grid bundle is stopped and started.
const ADDRESSES = ['127.0.18.40', '127.0.18.41', '127.0.18.42'];
const ENTRIES = 100_000;
const ROUNDS = 3;
// What `oxk bundle stop|start` sends, without the CLI's own start-up (about 0.5 s a command).
const TARGET = { url: `http://${ADDRESSES[2]}:8009/monitoring/jolokia`, user: 'bench', password: 'bench-secret' };

function member(configDir: string, i: number): NodeProcess {
  return sessionNode({ configDir, address: ADDRESSES[i], route: `OXR${i}`, cluster: ADDRESSES });
}

async function oxk(args: string[]): Promise<void> {
  const r = await runOxk(args, { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`oxk ${args.slice(0, 3).join(' ')} failed: ${r.stderr}`);
}

/** Seconds from `t0` until all three members are cluster safe again. */
async function secondsUntilSafe(t0: number): Promise<number> {
  await waitForCluster(ADDRESSES, 3, 300_000);
  return (performance.now() - t0) / 1000;
}

/**
 * `bundle stop grid` then `start grid` (the MBean operations `oxk bundle` calls) on a member of three holding 100k entries, until the
 * cluster is safe again; the peer is the old way, the member's process stopped (SIGTERM) and
 * started again, on the same cluster in the same run.
 */
export async function run(): Promise<BenchRow[]> {
  const config = tempConfig({ 'zz-bench.properties': 'com.openexchange.jolokia.user=bench\ncom.openexchange.jolokia.password=bench-secret\n' });
  try {
    const nodes: NodeProcess[] = [];
    for (const i of ADDRESSES.keys()) {
      nodes.push(member(config.dir, i));
      await nodes[i].ready(30_000);
    }
    await waitForCluster(ADDRESSES, 3, 60_000);
    await oxk(['map', '--connect', ADDRESSES[0], '--group', 'sessions-test', 'bench', 'load', '--count', String(ENTRIES), '--prefix', 'e']);
    await waitForCluster(ADDRESSES, 3, 120_000);

    // Alternating rounds, so both ways see the same cluster history.
    const bundleCycles: number[] = [];
    const stops: number[] = [];
    const processCycles: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      await bundleOperation(TARGET, 'stop', 'grid');
      stops.push((performance.now() - t0) / 1000);
      await bundleOperation(TARGET, 'start', 'grid');
      bundleCycles.push(await secondsUntilSafe(t0));

      const t1 = performance.now();
      await nodes[2].stop(120_000);
      nodes[2] = member(config.dir, 2);
      await nodes[2].ready(60_000);
      processCycles.push(await secondsUntilSafe(t1));
    }
    return [
      { name: `bundle stop grid -> start grid, member of 3 with ${ENTRIES / 1000}k entries: s until cluster safe (median of ${ROUNDS})`, value: median(bundleCycles), unit: 's', peer: 'process stop and start of that member', peerValue: median(processCycles) },
      { name: '  of which bundle stop grid (dependents, hand-off, leave)', value: median(stops), unit: 's' },
    ];
  } finally {
    await killAll();
    config.remove();
  }
}
