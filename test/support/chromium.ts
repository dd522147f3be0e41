import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs the package `chromium`); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine without network access beyond loopback. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile: call in teardown. */
  close(): Promise<void>;
}

/** One headless Chromium with a fresh profile, answering HTTP Basic challenges with `credentials`. */
export async function launchChromium(options: { credentials?: { username: string; password: string }; viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'oxk-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      httpCredentials: options.credentials,
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
