import type { Command } from 'commander';
import { JolokiaClientError } from './jolokiaClient.js';
import { bundleOperation, type ConfigAnswer, configOperation, type RemoteBundle, remoteBundleEvents, remoteBundles } from './runtimeClient.js';
import { type ConnectionOptions, resolveTarget, withConnectionOptions } from './statsCommand.js';
import { table } from './statsFormat.js';

const WATCH_INTERVAL_MS = 500;

/** Runs a command body; a failure to reach or convince the node is one line on stderr and exit code 1. */
function reported(command: string, body: (...args: any[]) => Promise<void>): (...args: any[]) => Promise<void> {
  return async (...args) => {
    try {
      await body(...args);
    } catch (err) {
      if (!(err instanceof JolokiaClientError)) throw err;
      process.stderr.write(`oxk ${command}: ${err.message}\n`);
      process.exitCode = 1;
    }
  };
}

function bundleTable(bundles: RemoteBundle[]): string {
  const rows = bundles.map((b) => [
    b.name, b.version, b.state, b.builtIn ? 'built-in' : b.source,
    [...b.requires, ...b.optionalRequires.map((t) => `${t}?`)].join(', ') || '-',
    b.state === 'ACTIVE' ? '' : b.reason,
  ]);
  return `${table(['bundle', 'version', 'state', 'origin', 'requires (? optional)', 'reason'], rows)}\n`;
}

/** `--watch`: the table once, then every bundle state change from the node's kernel events, polled. */
async function watch(options: ConnectionOptions, json: boolean): Promise<void> {
  const target = resolveTarget(options);
  const [bundles, before] = await Promise.all([remoteBundles(target), remoteBundleEvents(target)]);
  process.stdout.write(json ? `${JSON.stringify(bundles)}\n` : bundleTable(bundles));
  let last = before.at(-1)?.seq ?? 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
    const events = (await remoteBundleEvents(target)).filter((e) => e.seq > last);
    if (events.length && events[0].seq > last + 1) process.stdout.write(`(${events[0].seq - last - 1} earlier changes were not seen)\n`);
    for (const e of events) {
      process.stdout.write(json ? `${JSON.stringify(e)}\n` : `${e.time} ${e.bundle}: ${e.from} -> ${e.to}${e.reason ? ` (${e.reason})` : ''}\n`);
    }
    last = events.at(-1)?.seq ?? last;
  }
}

function printConfigAnswer(answer: ConfigAnswer): void {
  for (const a of answer.applied) process.stdout.write(`${a.key}: ${a.from} -> ${a.to} (bundle ${a.bundle})\n`);
  for (const r of answer.refused) process.stderr.write(`refused ${r.key} (bundle ${r.bundle}): ${r.reason}\n`);
  if (answer.restarted.length) process.stdout.write(`restarted: ${answer.restarted.join(', ')}\n`);
  if (answer.refused.length) process.exitCode = 1;
}

/**
 * `oxk bundle list|start|stop|restart` and `oxk config set|reload`: control of a running node through
 * its Jolokia agent (the management endpoint and its credentials, never an unauthenticated channel).
 */
export function registerRuntimeCommands(program: Command): void {
  const bundle = program.command('bundle').description('list, start, stop and restart the bundles of a running node (through its Jolokia agent)');
  withConnectionOptions(bundle.command('list').description('each bundle\'s state, version, origin and dependencies'))
    .option('--watch', 'keep running and print every state change')
    .option('--json', 'print JSON for scripts')
    .action(reported('bundle list', async (opts: ConnectionOptions & { watch?: boolean; json?: boolean }) => {
      if (opts.watch) return watch(opts, opts.json ?? false);
      const bundles = await remoteBundles(resolveTarget(opts));
      process.stdout.write(opts.json ? `${JSON.stringify(bundles, null, 2)}\n` : bundleTable(bundles));
    }));
  for (const operation of ['start', 'stop', 'restart'] as const) {
    const what = { start: 'start a bundle, then the dependents stopped with it', stop: 'stop a bundle, first the bundles that require its services', restart: 'stop and start a bundle' }[operation];
    withConnectionOptions(bundle.command(`${operation} <name>`).description(what))
      .action(reported(`bundle ${operation}`, async (name: string, opts: ConnectionOptions) => {
        const { stopped, started } = await bundleOperation(resolveTarget(opts), operation, name);
        const dependents = stopped.filter((b) => b !== name);
        if (dependents.length) process.stdout.write(`stopped dependents first: ${dependents.join(', ')}\n`);
        if (stopped.includes(name)) process.stdout.write(`stopped: ${name}\n`);
        if (started.length) process.stdout.write(`started: ${started.join(', ')}\n`);
        if (!stopped.length && !started.length) process.stdout.write(`bundle ${name}: nothing to do\n`);
      }));
  }

  const config = program.commands.find((c) => c.name() === 'config') ?? program.command('config').description('configuration tools');
  withConnectionOptions(config.command('set <key=value>').description('change a property on a running node; a property that is not reloadable is refused unless --restart'))
    .option('--restart', 'restart the bundle that owns a property that is not reloadable')
    .action(reported('config set', async (assignment: string, opts: ConnectionOptions & { restart?: boolean }) => {
      const eq = assignment.indexOf('=');
      if (eq <= 0) throw new JolokiaClientError(`expected KEY=VALUE, got "${assignment}"`);
      printConfigAnswer(await configOperation(resolveTarget(opts), { set: [assignment.slice(0, eq).trim(), assignment.slice(eq + 1)] }, opts.restart ?? false));
    }));
  withConnectionOptions(config.command('reload').description('read the config folder of a running node again and apply what changed'))
    .option('--restart', 'restart the bundles whose changed properties are not reloadable')
    .action(reported('config reload', async (opts: ConnectionOptions & { restart?: boolean }) => {
      printConfigAnswer(await configOperation(resolveTarget(opts), { reload: true }, opts.restart ?? false));
    }));
}
