import type { Command } from 'commander';
import { ConfigFolder } from '../../../core/config/configFolder.js';
import { JOLOKIA_PATH } from '../jolokia/endpoint.js';
import { collectClusterStats } from './clusterStats.js';
import { JolokiaClientError, type JolokiaTarget, bulk } from './jolokiaClient.js';
import { formatClusterStats, table } from './statsFormat.js';

/** How a command reaches a running node's Jolokia agent. */
export interface ConnectionOptions {
  url?: string;
  user?: string;
  password?: string;
  config?: string;
}

interface StatsOptions extends ConnectionOptions {
  cluster?: boolean;
  json?: boolean;
}

/** `--url`, `--user`, `--password` and `--config`, as `oxk stats` takes them. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', `Jolokia URL (default: from --config, else http://127.0.0.1:8009${JOLOKIA_PATH})`)
    .option('--user <user>', 'Jolokia user (default: from --config or $OXK_JOLOKIA_USER)')
    .option('--password <password>', 'Jolokia password (default: from --config or $OXK_JOLOKIA_PASSWORD)')
    .option('--config <dir>', 'config folder of the node (default: $OXK_CONFIG): connector address and Jolokia credentials are taken from it');
}

/**
 * `oxk stats [-c] [--url URL] [--user U --password P] [--config DIR] [--json]`: a running node's
 * statistics through its Jolokia agent (`showruntimestats -c` is the same command).
 */
export function registerStatsCommand(program: Command): void {
  withConnectionOptions(program
    .command('stats')
    .description('print runtime statistics of a running node, read through its Jolokia agent')
    .option('-c, --cluster', 'cluster statistics: members, partitions, cluster safe, maps, topics, cache regions'))
    .option('--json', 'print JSON for scripts instead of a table')
    .action(async (opts: StatsOptions) => {
      try {
        const target = resolveTarget(opts);
        const text = opts.cluster ? await clusterView(target, opts.json) : await nodeView(target, opts.json);
        process.stdout.write(text);
      } catch (err) {
        if (!(err instanceof JolokiaClientError)) throw err;
        process.stderr.write(`oxk stats: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}

/** The agent's URL and credentials from the options, the environment or the node's config folder (shared by `oxk cluster`). */
export function resolveTarget(opts: ConnectionOptions): JolokiaTarget {
  const dir = opts.config ?? process.env.OXK_CONFIG;
  const values = dir ? ConfigFolder.load(dir).values : undefined;
  const setting = (key: string) => values?.get(key)?.value.trim() || undefined;
  let url = opts.url;
  if (!url) {
    const host = setting('com.openexchange.connector.networkListenerHost') ?? '127.0.0.1';
    const port = setting('com.openexchange.connector.networkListenerPort') ?? '8009';
    const reachable = host === '0.0.0.0' || host === '*' ? '127.0.0.1' : host === '::' ? '::1' : host;
    url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}${JOLOKIA_PATH}`;
  }
  const user = opts.user ?? process.env.OXK_JOLOKIA_USER ?? setting('com.openexchange.jolokia.user');
  const password = opts.password ?? process.env.OXK_JOLOKIA_PASSWORD ?? setting('com.openexchange.jolokia.password');
  return { url, user, password };
}

async function clusterView(target: JolokiaTarget, json?: boolean): Promise<string> {
  const stats = await collectClusterStats(target);
  return json ? `${JSON.stringify(stats, null, 2)}\n` : formatClusterStats(stats);
}

/** Without `-c`: the node itself (route, uptime, memory, bundle states). */
async function nodeView(target: JolokiaTarget, json?: boolean): Promise<string> {
  const [kernel, memory] = await bulk(target, [
    { type: 'read', mbean: 'com.openexchange.kernel:type=Kernel' },
    { type: 'read', mbean: 'java.lang:type=Memory', attribute: 'HeapMemoryUsage' },
  ]);
  if (kernel.status !== 200) throw new JolokiaClientError(`reading the kernel MBean failed: ${kernel.error ?? kernel.status}`);
  const k = kernel.value as { Route: string; Uptime: number; BundleStates: Record<string, string> };
  const heap = memory.status === 200 ? (memory.value as { used: number; committed: number }) : undefined;
  const node = { url: target.url, route: k.Route, uptimeMs: k.Uptime, heapUsedBytes: heap?.used, bundles: k.BundleStates };
  if (json) return `${JSON.stringify(node, null, 2)}\n`;
  const summary = table(null, [
    ['node', `${k.Route} (${target.url})`],
    ['uptime', `${Math.round(k.Uptime / 1000)} s`],
    ['heap used', heap ? `${(heap.used / 2 ** 20).toFixed(1)} MiB of ${(heap.committed / 2 ** 20).toFixed(1)} MiB` : 'unknown'],
  ]);
  const bundles = table(['bundle', 'state'], Object.entries(k.BundleStates).map(([name, state]) => [name, state]));
  return `${summary}\n\n${bundles}\n\nuse -c for the cluster view\n`;
}
