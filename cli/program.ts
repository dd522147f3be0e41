import { Command } from 'commander';
import { loadBuiltInBundles } from '../core/bundleLoader.js';
import { registerBundlesCommand, registerConfigCommand } from './bundlesCommand.js';
import { registerStartCommand } from './startCommand.js';

/** `oxk` with the kernel's commands plus every built-in bundle's contributed commands. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('oxk').description('oxkernel: run and inspect nodes').showHelpAfterError();
  registerStartCommand(program);
  registerBundlesCommand(program);
  registerConfigCommand(program);
  const { bundles, errors } = await loadBuiltInBundles();
  for (const e of errors) process.stderr.write(`warning: ${e}\n`);
  for (const { bundle } of bundles) bundle.commands?.(program);
  return program;
}
