import type { Command } from 'commander';
import { BundleState } from '../core/bundle.js';
import { Kernel } from '../core/kernel.js';
import { missingNodeFlags } from './nodeFlags.js';
import { collectSet, type ConfigOptions, defaultConfigDir } from './options.js';

async function startNode(opts: ConfigOptions): Promise<void> {
  const t0 = performance.now();
  const kernel = new Kernel({ configDir: opts.config, overrides: opts.set });
  await kernel.load();
  if (kernel.problems.length) {
    for (const p of kernel.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write(`refusing to start: ${kernel.problems.length} configuration problem(s) in ${opts.config}\n`);
    process.exitCode = 2;
    return;
  }
  const log = kernel.logger;
  const missing = missingNodeFlags();
  if (missing.length) log.warn(`node runs without ${missing.join(' ')}: expect frequent full garbage collections; start it with \`oxk start\` or \`npm start\`, or pass the flags to node`);
  // A bug in one bundle's callback must not take the whole node down.
  process.on('uncaughtException', (err) => log.error(`uncaught exception: ${err.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

  // The node runs until a signal even when no bundle holds a socket open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`second ${signal}: forcing exit`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal} received: stopping bundles in reverse order`);
    void kernel.stop().then(() => {
      clearInterval(keepAlive);
      log.info('node stopped');
      log.on('finish', () => process.exit(0));
      log.end();
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  await kernel.start();
  if (stopping) return;
  const count = (s: BundleState) => kernel.bundles().filter((b) => b.state === s).length;
  log.info(`node ready: route ${kernel.node.route}, ${count(BundleState.ACTIVE)} bundles ACTIVE, ${count(BundleState.FAILED)} FAILED, ` +
    `${count(BundleState.UNRESOLVED)} UNRESOLVED, ${count(BundleState.DISABLED)} DISABLED, in ${Math.round(performance.now() - t0)} ms`);
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run a node in the foreground until SIGTERM or SIGINT')
    .option('--config <dir>', 'config folder', defaultConfigDir)
    .option('--set <key=value>', 'override a property (repeatable)', collectSet, [])
    .action((opts: ConfigOptions) => startNode(opts));
}
