import type { Command } from 'commander';
import { extensionPoint } from './extensionPoint.js';

/** Adds subcommands to `oxk`. */
export type CliCommand = (program: Command) => void;

/**
 * The kernel's point for CLI commands. Bundles declare them in the manifest
 * (`contributes: [contribution(CLI_COMMANDS, addMyCommand)]`), so `oxk` reads them without starting anything.
 */
export const CLI_COMMANDS = extensionPoint<CliCommand>('kernel.cli.commands');
