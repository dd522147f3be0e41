import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Bundle } from '../../core/bundle.js';
import type { LoadedBundle } from '../../core/bundleLoader.js';
import { Kernel } from '../../core/kernel.js';
import { captureLogger } from './captureLogger.js';
import { repoRoot } from './paths.js';

export interface TestKernelOptions {
  /** Bundle objects, or names of built-in bundles (loaded from `dist/bundles/<name>`). */
  bundles: (Bundle | string)[];
  /** Properties written one per line, in order, to `test.properties` (line n+1 holds the n-th key). */
  config?: Record<string, string>;
  /** More files of the config folder, by relative path. */
  files?: Record<string, string>;
}

export interface TestKernel {
  readonly kernel: Kernel;
  readonly configDir: string;
  /** Every line the kernel and its bundles logged, as `level: message`. */
  readonly logs: string[];
  /** `test.properties:<line>` of a key given in `config`. */
  where(key: string): string;
  /** Rewrites `test.properties` (for `reloadConfig`). */
  writeConfig(config: Record<string, string>): void;
  /** Stops the kernel, removes the config folder and lets the event loop run the logger's pending callbacks. */
  stop(): Promise<void>;
}

async function load(entry: Bundle | string): Promise<LoadedBundle> {
  if (typeof entry !== 'string') return { bundle: entry, builtIn: false, source: `test bundle ${entry.name}` };
  const mod = (await import(pathToFileURL(join(repoRoot, 'dist', 'bundles', entry, 'index.js')).href)) as { default: Bundle };
  return { bundle: mod.default, builtIn: true, source: `bundles/${entry}` };
}

const propertiesText = (config: Record<string, string>) => Object.entries(config).map(([k, v]) => `${k}=${v}\n`).join('');

/**
 * A kernel in this process (like Backstage's startTestBackend): the given real bundles, the real
 * registry and life cycle, a throw-away config folder. Loaded but not started.
 */
export async function loadTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const configDir = mkdtempSync(join(tmpdir(), 'oxk-test-kernel-'));
  const config = options.config ?? {};
  writeFileSync(join(configDir, 'test.properties'), propertiesText(config));
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(configDir, path)), { recursive: true });
    writeFileSync(join(configDir, path), text);
  }
  const { logger, lines } = captureLogger();
  const kernel = new Kernel({ configDir, logger, bundles: await Promise.all(options.bundles.map(load)) });
  await kernel.load();
  return {
    kernel,
    configDir,
    logs: lines,
    where: (key) => `test.properties:${Object.keys(config).indexOf(key) + 1}`,
    writeConfig: (next) => writeFileSync(join(configDir, 'test.properties'), propertiesText(next)),
    stop: async () => {
      try {
        await kernel.stop();
      } finally {
        rmSync(configDir, { recursive: true, force: true });
        // winston emits each line's 'logged' in a setImmediate that holds the logger: a loop of kernels
        // awaited with no I/O (a fuzz run) never reaches the check phase, so without this turn every kernel stays.
        await nextTurn();
      }
    },
  };
}

/** `loadTestKernel`, then start; refuses like `oxk start` when the configuration has problems. */
export async function startTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const test = await loadTestKernel(options);
  if (test.kernel.problems.length) {
    await test.stop();
    throw new Error(`refusing to start: ${test.kernel.problems.join('\n')}`);
  }
  await test.kernel.start();
  return test;
}
