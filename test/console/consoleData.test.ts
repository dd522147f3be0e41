import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../support/chromium.js';
import { confirmDialog, consoleUrl, errorBoxes, screenshot, showView } from '../support/consolePage.js';
import { CREDENTIALS, managementNode } from '../management/managementNode.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// The views that need the MBean attributes and operations of the management contract added beside
// the console (partition table, member heap/RSS, entryView, session look-ups, upgrade progress).
// Three nodes on 127.0.28.31-33, a user logged in on node 2, the console on node 1.
const ADDRESSES = ['127.0.28.31', '127.0.28.32', '127.0.28.33'];
const GRID = ADDRESSES.map((a) => `${a}:5701`);
const USER = { name: 'console-user', password: 'console-pass-1' };

/** Owners of the partition cells the page shows. */
const cellOwners = (page: Page) => page.$$eval('.partition-grid .cell', (cells) => cells.map((c) => c.getAttribute('data-owner') ?? ''));

describe('web console data views against three nodes (127.0.28.31-33)', () => {
  let config: { dir: string; remove(): void };
  const nodes: NodeProcess[] = [];
  let browser: TestBrowser;
  let page: Page;
  let session: string;

  before(async () => {
    config = tempConfig({ 'users.properties': await usersFile({ [USER.name]: USER.password }) });
    for (const [i, address] of ADDRESSES.entries()) nodes.push(managementNode({ configDir: config.dir, address, route: `OX283${i + 1}`, cluster: GRID }));
    await Promise.all(nodes.map((n) => n.ready(40_000)));
    await waitForCluster(ADDRESSES, 3, 45_000);
    const client = new SessionClient(`http://${ADDRESSES[1]}:8009`);
    session = expectOk(await client.login(USER.name, USER.password), 'login').json.session as string;
    browser = await launchChromium({ credentials: { username: CREDENTIALS.user, password: CREDENTIALS.password } });
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(consoleUrl(ADDRESSES[0], 'members'));
  });

  after(async () => {
    await browser?.close();
    await killAll();
    config?.remove();
  });

  it('shows each member\'s heap, RSS and heartbeat age', async () => {
    await showView(page, 'members');
    await page.locator('tr[data-member]').nth(2).waitFor({ timeout: 10_000 });
    for (const label of ['Heap used / total', 'RSS', 'Heartbeat age']) {
      const cells = await page.locator(`tr[data-member] td[data-label="${label}"]`).allTextContents();
      assert.equal(cells.length, 3);
      assert.ok(cells.every((c) => !/n\/a/.test(c)), `${label}: ${cells.join(' | ')}`);
    }
  });

  it('looks a map key up (value preview, TTL, hits) and says "not found" for an unknown key', async () => {
    await showView(page, 'maps');
    await page.getByRole('button', { name: 'sessions', exact: true }).click();
    await page.getByLabel('Key').fill(session);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('dl.entry').waitFor({ timeout: 5000 });
    assert.match(await page.locator('dl.entry').textContent() ?? '', new RegExp(session));
    assert.ok((await page.locator('dl.entry pre.preview').textContent() ?? '').length > 0, 'a value preview');
    await page.getByLabel('Key').fill(`${session}-missing`);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('.not-found').waitFor({ timeout: 5000 });
    assert.deepEqual(await errorBoxes(page), []);
  });

  it('looks a user\'s sessions up and ends one', async () => {
    await showView(page, 'sessions');
    await page.getByLabel('User').fill(USER.name);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('main table.data, main .error-box').first().waitFor({ timeout: 5000 });
    assert.deepEqual(await errorBoxes(page), []);
    assert.ok((await page.locator('main table.data tbody tr').allTextContents()).some((row) => row.includes(session)));
    await page.getByRole('button', { name: `End session ${session}` }).click();
    await confirmDialog(page);
    await nodes[0].waitForLine(new RegExp(`console: ${CREDENTIALS.user} ended session ${session}`), 5000);
    const whoami = await new SessionClient(`http://${ADDRESSES[1]}:8009`).whoami(session);
    assert.ok(whoami.status === 401 || whoami.status === 403, `session gone: ${whoami.status} ${whoami.body}`);
  });

  it('shows the upgrade progress and each member\'s version', async () => {
    await showView(page, 'upgrade');
    await page.locator('main .badge[class*="upgrade-"]').waitFor({ timeout: 5000 });
    assert.deepEqual(await errorBoxes(page), []);
    await screenshot(page, 'upgrade-with-progress');
  });

  it('draws 271 partition cells owned by live members, also after a SIGKILL', async () => {
    await showView(page, 'partitions');
    await page.locator('.partition-grid .cell').nth(270).waitFor({ timeout: 10_000 });
    const before = await cellOwners(page);
    assert.equal(before.length, 271);
    assert.ok(before.every((o) => GRID.includes(o)), `owners: ${[...new Set(before)].join(', ')}`);
    await screenshot(page, 'partitions-three-members');
    await nodes[2].kill();
    const live = GRID.slice(0, 2);
    const after = await waitFor('every cell owned by a live member', async () => {
      const owners = await cellOwners(page);
      return owners.length === 271 && owners.every((o) => live.includes(o)) ? owners : undefined;
    }, 15_000, 100);
    assert.equal(new Set(after).size, 2);
    await screenshot(page, 'partitions-after-failover');
  });
});
