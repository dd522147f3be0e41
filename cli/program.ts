import { Command } from 'commander';
import { CLI_COMMANDS } from '../core/cliCommands.js';
import { ConfigFolder } from '../core/config/configFolder.js';
import { declaredContributions } from '../core/extensionPoint.js';
import { loadBuiltInBundles, loadCustomBundles } from '../core/bundleLoader.js';
import { registerBundlesCommand, registerConfigCommand } from './bundlesCommand.js';
import { defaultConfigDir } from './options.js';
import { registerStartCommand } from './startCommand.js';

/** The config folder named by `--config DIR` (or `--config=DIR`) anywhere in `argv`, else the default. */
function configDirFrom(argv: readonly string[]): string {
  const at = argv.indexOf('--config');
  if (at >= 0 && argv[at + 1]) return argv[at + 1];
  return argv.find((a) => a.startsWith('--config='))?.slice('--config='.length) ?? defaultConfigDir;
}

/** `kernel.bundles.path` of the config folder; empty when the folder cannot be read (`oxk --help` still works). */
function customBundlesPath(configDir: string): string {
  try {
    return ConfigFolder.load(configDir).values.get('kernel.bundles.path')?.value.trim() ?? '';
  } catch {
    return '';
  }
}

/**
 * `oxk` with the kernel's commands plus the CLI commands every bundle declares (CLI_COMMANDS), the
 * custom bundles on `kernel.bundles.path` of the config folder (`--config` or `$OXK_CONFIG`) included.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('oxk').description('oxkernel: run and inspect nodes').showHelpAfterError();
  registerStartCommand(program);
  registerBundlesCommand(program);
  registerConfigCommand(program);
  const configDir = configDirFrom(argv);
  const builtIn = await loadBuiltInBundles();
  const custom = await loadCustomBundles(customBundlesPath(configDir), configDir);
  for (const e of [...builtIn.errors, ...custom.errors]) process.stderr.write(`warning: ${e}\n`);
  const manifests = [...builtIn.bundles, ...custom.bundles].map((b) => b.bundle);
  for (const { bundle, item } of declaredContributions(manifests, CLI_COMMANDS)) {
    try {
      item(program);
    } catch (err) {
      process.stderr.write(`warning: bundle ${bundle}: its CLI commands were not added: ${(err as Error).message}\n`);
    }
  }
  return program;
}
