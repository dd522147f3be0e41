import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultConfigDir } from './paths.js';

/**
 * A throw-away copy of `config/` with `files` written over it (relative paths, e.g.
 * `hazelcast/sessions.properties`). Call `remove()` in teardown.
 */
export function tempConfig(files: Record<string, string> = {}): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-config-'));
  cpSync(defaultConfigDir, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
