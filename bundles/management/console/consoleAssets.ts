import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The page's files, read from the package folder (`bundles/management/console/page`, which tsc
 * does not copy to `dist/`), and the browser builds of the UI libraries from the package's
 * node_modules: nothing comes from a CDN.
 */
const PAGE_DIR = fileURLToPath(new URL('../../../../bundles/management/console/page/', import.meta.url));

/** URL path below the console -> ES module or stylesheet a dependency ships for browsers. */
const VENDOR: Record<string, () => string> = {
  'vendor/preact.mjs': () => resolved('preact'),
  'vendor/hooks.mjs': () => resolved('preact/hooks'),
  'vendor/htm.mjs': () => resolved('htm'),
  'vendor/uPlot.esm.js': () => join(dirname(resolved('uplot')), 'uPlot.esm.js'),
  'vendor/uPlot.min.css': () => join(dirname(resolved('uplot')), 'uPlot.min.css'),
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

function resolved(specifier: string): string {
  return fileURLToPath(import.meta.resolve(specifier));
}

function asset(file: string): Asset {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (err) {
    throw new Error(`console file ${file} cannot be read: ${(err as Error).message}`);
  }
  const type = TYPES[extname(file)];
  if (!type) throw new Error(`console file ${file}: no content type for ${extname(file)}`);
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function pageFiles(dir: string, prefix = ''): [string, string][] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e): [string, string][] => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? pageFiles(dir, rel) : [[rel, join(dir, rel)]];
  });
}

/** Every file the console serves, loaded once when the bundle starts (a missing one stops the start with its path). */
export function loadAssets(): Map<string, Asset> {
  const files = [...pageFiles(PAGE_DIR), ...Object.entries(VENDOR).map(([path, file]): [string, string] => [path, file()])];
  return new Map(files.map(([path, file]) => [path, asset(file)]));
}
