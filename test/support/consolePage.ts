import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './paths.js';

/** Where the console tests write their screenshots (CI keeps `test-artifacts/`). */
export const CONSOLE_ARTIFACTS = join(repoRoot, 'test-artifacts', 'console');

export function consoleUrl(address: string, view = 'cluster'): string {
  return `http://${address}:8009/monitoring/console#${view}`;
}

/** Switches the open console to `view` (a hash route) and waits until the view shows data. */
export async function showView(page: Page, view: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(view)}`);
  await page.waitForSelector(`main[data-view="${view}"] h2`, { timeout: 5000 });
  await page.waitForSelector('main .loading', { state: 'detached', timeout: 10_000 });
}

/** A full-page screenshot under CONSOLE_ARTIFACTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(CONSOLE_ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Texts of the error boxes the current view shows (none expected). */
export function errorBoxes(page: Page): Promise<string[]> {
  return page.$$eval('main .error-box', (boxes) => boxes.map((b) => b.textContent ?? ''));
}

/** Confirms the open dialog (its submit button). */
export async function confirmDialog(page: Page): Promise<void> {
  await page.locator('dialog[open] button.confirm-button').click();
}

/** Waits (up to `timeoutMs`) until `selector` matches exactly `n` elements (the page's CSP forbids evaluated strings). */
export async function waitForRows(page: Page, selector: string, n: number, timeoutMs: number): Promise<void> {
  const all = page.locator(selector);
  const deadline = Date.now() + timeoutMs;
  if (n > 0) await all.nth(n - 1).waitFor({ state: 'attached', timeout: timeoutMs });
  await all.nth(n).waitFor({ state: 'detached', timeout: Math.max(1, deadline - Date.now()) });
}

/** Waits until the cluster state badge reads `state`. */
export async function waitForState(page: Page, state: string, timeoutMs: number): Promise<void> {
  await page.locator('[data-testid="cluster-state"]', { hasText: new RegExp(`^${state}$`) }).waitFor({ timeout: timeoutMs });
}
