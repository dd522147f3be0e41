import type { Command } from 'commander';
import { CLUSTER_STATES } from '../../grid/api.js';
import { JOLOKIA_PATH } from '../jolokia/endpoint.js';
import { type BulkResult, JolokiaClientError, type JolokiaTarget, bulk } from './jolokiaClient.js';
import { resolveTarget } from './statsCommand.js';

interface ClusterOptions {
  url?: string;
  user?: string;
  password?: string;
  config?: string;
  json?: boolean;
  upgrade?: boolean;
}

/** The grid's cluster service MBean of the node (one per node: its instance name is the node's route). */
const CLUSTER_SERVICE = 'com.hazelcast:type=ClusterService,*';

/**
 * `oxk cluster state [STATE]` and `oxk cluster version [--upgrade]`: read or change the cluster's
 * state and version through a running node's Jolokia agent (exec on the grid's ClusterService MBean).
 */
export function registerClusterCommand(program: Command): void {
  const cluster = program.command('cluster').description('cluster state and cluster version of the grid, through a running node');
  const connection = (c: Command) => c
    .option('--url <url>', `Jolokia URL (default: from --config, else http://127.0.0.1:8009${JOLOKIA_PATH})`)
    .option('--user <user>', 'Jolokia user (default: from --config or $OXK_JOLOKIA_USER)')
    .option('--password <password>', 'Jolokia password (default: from --config or $OXK_JOLOKIA_PASSWORD)')
    .option('--config <dir>', 'config folder of the node (default: $OXK_CONFIG)')
    .option('--json', 'print JSON for scripts');
  connection(cluster.command('state [STATE]').description(`print the cluster state, or change it cluster-wide to one of ${CLUSTER_STATES.join(', ')}`))
    .action((state: string | undefined, opts: ClusterOptions) => run('state', opts, (target) => clusterState(target, state)));
  connection(cluster.command('version').description('print the cluster version; --upgrade raises it to the lowest minor among the members'))
    .option('--upgrade', 'raise the cluster version (when com.openexchange.hazelcast.cluster.version.autoUpgrade is false)')
    .action((opts: ClusterOptions) => run('version', opts, (target) => clusterVersion(target, opts.upgrade === true)));
}

type Settings = { clusterState: string; clusterVersion: string; protocolVersion: string; codebaseVersion: string };

async function run(what: string, opts: ClusterOptions, action: (target: JolokiaTarget) => Promise<Settings>): Promise<void> {
  try {
    const settings = await action(resolveTarget(opts));
    process.stdout.write(opts.json ? `${JSON.stringify(settings, null, 2)}\n` : what === 'state' ? `${settings.clusterState}\n` : `${settings.clusterVersion}\n`);
  } catch (err) {
    if (!(err instanceof JolokiaClientError)) throw err;
    process.stderr.write(`oxk cluster ${what}: ${err.message}\n`);
    process.exitCode = 1;
  }
}

async function clusterState(target: JolokiaTarget, state: string | undefined): Promise<Settings> {
  if (state !== undefined) {
    const wanted = state.trim().toUpperCase();
    if (!(CLUSTER_STATES as readonly string[]).includes(wanted)) throw new JolokiaClientError(`unknown cluster state "${state}": one of ${CLUSTER_STATES.join(', ')}`);
    await exec(target, 'changeClusterState', [wanted]);
  }
  return read(target);
}

async function clusterVersion(target: JolokiaTarget, upgrade: boolean): Promise<Settings> {
  if (upgrade) await exec(target, 'upgradeClusterVersion', []);
  return read(target);
}

/** The node's ClusterService MBean name (found by pattern: its instance is the node's route). */
async function mbeanName(target: JolokiaTarget): Promise<string> {
  const [found] = await bulk(target, [{ type: 'search', mbean: CLUSTER_SERVICE }]);
  const names = found.status === 200 && Array.isArray(found.value) ? (found.value as string[]) : [];
  if (names.length === 0) throw new JolokiaClientError(`the node at ${target.url} has no grid ClusterService MBean (grid not active, or com.openexchange.hazelcast.jmx=false)`);
  return names[0]!;
}

async function exec(target: JolokiaTarget, operation: string, args: string[]): Promise<void> {
  const mbean = await mbeanName(target);
  // A state change waits for every member's answer: give it more than the agent's default.
  const [result] = await bulk(target, [{ type: 'exec', mbean, operation, arguments: args }], 30_000);
  if (result.status !== 200) throw new JolokiaClientError(reason(result));
}

async function read(target: JolokiaTarget): Promise<Settings> {
  const mbean = await mbeanName(target);
  const [result] = await bulk(target, [{ type: 'read', mbean }]);
  if (result.status !== 200) throw new JolokiaClientError(reason(result));
  return result.value as Settings;
}

/** Jolokia's error is "java.class : message": the operator wants the message. */
function reason(result: BulkResult): string {
  const text = result.error ?? `HTTP status ${result.status}`;
  const at = text.indexOf(' : ');
  return at >= 0 ? text.slice(at + 3) : text;
}
