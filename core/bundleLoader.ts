import { register } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bundle } from './bundle.js';

export interface LoadedBundle {
  bundle: Bundle;
  builtIn: boolean;
  /** Folder it came from (for messages). */
  source: string;
}

export interface LoadResult {
  bundles: LoadedBundle[];
  /** One line per folder that could not be loaded, naming it and why. */
  errors: string[];
}

/** `dist/bundles`, next to `dist/core`. */
const builtInRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'bundles');

function checkManifest(value: unknown, source: string): Bundle {
  const b = value as Partial<Bundle> | undefined;
  if (!b || typeof b !== 'object') throw new Error(`${source}: the module has no default export (export default defineBundle({...}))`);
  if (typeof b.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(b.name)) throw new Error(`${source}: bundle name ${JSON.stringify(b.name)} must be lower-case letters, digits and dashes`);
  if (typeof b.version !== 'string') throw new Error(`${source}: bundle "${b.name}" has no version`);
  if (typeof b.start !== 'function') throw new Error(`${source}: bundle "${b.name}" has no start(ctx) function`);
  return b as Bundle;
}

async function importBundle(file: string, source: string): Promise<Bundle> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return checkManifest(mod.default, source);
}

/** Every folder below `dist/bundles` with an `index.js` is a built-in bundle. */
export async function loadBuiltInBundles(): Promise<LoadResult> {
  const result: LoadResult = { bundles: [], errors: [] };
  for (const name of readdirSync(builtInRoot).sort()) {
    const index = join(builtInRoot, name, 'index.js');
    if (!existsSync(index)) continue;
    try {
      result.bundles.push({ bundle: await importBundle(index, `bundles/${name}`), builtIn: true, source: `bundles/${name}` });
    } catch (err) {
      result.errors.push(`built-in bundle ${name}: ${(err as Error).message}`);
    }
  }
  return result;
}

async function loadCustomFolder(folder: string): Promise<Bundle> {
  const pkgFile = join(folder, 'package.json');
  let pkg: { main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: unknown };
  } catch (err) {
    throw new Error(`custom bundle folder ${folder}: no valid package.json (${(err as Error).message})`);
  }
  const main = typeof pkg.main === 'string' ? pkg.main : 'index.js';
  const file = join(folder, main);
  if (!existsSync(file)) throw new Error(`custom bundle folder ${folder}: package.json "main" names ${main}, which does not exist`);
  return importBundle(file, `custom bundle folder ${folder}`);
}

let sdkImports = false;

/** Custom bundles import `oxkernel/sdk` and `oxkernel/bundles/<name>/api` without installing oxkernel. */
function enableSdkImports(): void {
  if (sdkImports) return;
  sdkImports = true;
  register('./sdkHooks.js', import.meta.url);
}

/**
 * Loads custom bundles from `kernel.bundles.path`: each entry is a bundle folder (with a
 * `package.json`) or a folder of bundle folders. Relative entries are relative to the config folder.
 */
export async function loadCustomBundles(pathList: string, configDir: string): Promise<LoadResult> {
  const result: LoadResult = { bundles: [], errors: [] };
  const entries = pathList.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length) enableSdkImports();
  for (const entry of entries) {
    const dir = resolvePath(configDir, entry);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      result.errors.push(`kernel.bundles.path: ${dir} is not a folder`);
      continue;
    }
    const folders = existsSync(join(dir, 'package.json'))
      ? [dir]
      : readdirSync(dir).sort().map((f) => join(dir, f)).filter((f) => statSync(f).isDirectory());
    for (const folder of folders) {
      try {
        result.bundles.push({ bundle: await loadCustomFolder(folder), builtIn: false, source: folder });
      } catch (err) {
        result.errors.push((err as Error).message);
      }
    }
  }
  return result;
}
