import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from `dist/test/...`). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const oxkBin = join(repoRoot, 'dist', 'cli', 'oxk.js');
export const defaultConfigDir = join(repoRoot, 'config');
