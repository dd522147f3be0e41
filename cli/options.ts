import { InvalidArgumentError } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `config/` (next to `dist/`), used when `--config` is not given. */
export const defaultConfigDir = process.env.OXK_CONFIG ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config');

/** Commander collector for repeated `--set key=value`. */
export function collectSet(value: string, previous: [string, string][]): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return [...previous, [value.slice(0, eq).trim(), value.slice(eq + 1)]];
}

export interface ConfigOptions {
  config: string;
  set: [string, string][];
}
