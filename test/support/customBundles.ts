import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/** A temporary folder of custom bundles, as a user would have: one folder per bundle. */
export function customBundleFolder(options: { examples?: boolean; bundles?: Record<string, { packageJson?: string; files: Record<string, string> }> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-bundles-'));
  if (options.examples) cpSync(join(repoRoot, 'test', 'fixtures', 'bundles'), dir, { recursive: true });
  for (const [name, spec] of Object.entries(options.bundles ?? {})) {
    mkdirSync(join(dir, name));
    if (spec.packageJson !== undefined) writeFileSync(join(dir, name, 'package.json'), spec.packageJson);
    for (const [file, text] of Object.entries(spec.files)) writeFileSync(join(dir, name, file), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A custom bundle's package.json pointing at index.js. */
export const esmPackage = (name: string) => JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' });
