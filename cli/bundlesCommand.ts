import type { Command } from 'commander';
import { Kernel } from '../core/kernel.js';
import { createRootLogger } from '../core/logger.js';
import { collectSet, type ConfigOptions, defaultConfigDir } from './options.js';

/** Loads and resolves without starting anything; logs go to stderr at warn level. */
export async function loadQuietly(opts: ConfigOptions): Promise<Kernel> {
  const logger = createRootLogger('cli', 'error');
  const kernel = new Kernel({ configDir: opts.config, overrides: opts.set, logger });
  await kernel.load();
  return kernel;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function registerBundlesCommand(program: Command): void {
  program
    .command('bundles')
    .description('resolve the bundles without starting them and print their states')
    .option('--config <dir>', 'config folder', defaultConfigDir)
    .option('--set <key=value>', 'override a property (repeatable)', collectSet, [])
    .option('--json', 'print JSON')
    .action(async (opts: ConfigOptions & { json?: boolean }) => {
      const kernel = await loadQuietly(opts);
      const bundles = kernel.bundles();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ bundles, warnings: kernel.warnings, problems: kernel.problems }, null, 2)}\n`);
        return;
      }
      const rows = [['NAME', 'VERSION', 'STATE', 'REASON'], ...bundles.map((b) => [b.name, b.version, b.state, b.reason ?? ''])];
      process.stdout.write(`${table(rows)}\n`);
      for (const w of kernel.warnings) process.stderr.write(`warning: ${w}\n`);
      for (const p of kernel.problems) process.stderr.write(`error: ${p}\n`);
    });
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('configuration tools');
  config
    .command('check')
    .description('validate the configuration: exit 0 when valid, otherwise print file:line key: reason')
    .option('--config <dir>', 'config folder', defaultConfigDir)
    .option('--set <key=value>', 'override a property (repeatable)', collectSet, [])
    .action(async (opts: ConfigOptions) => {
      const kernel = await loadQuietly(opts);
      for (const w of kernel.warnings) process.stderr.write(`warning: ${w}\n`);
      for (const p of kernel.problems) process.stdout.write(`${p}\n`);
      if (kernel.problems.length) process.exitCode = 2;
      else process.stdout.write(`configuration in ${opts.config} is valid\n`);
    });
}
