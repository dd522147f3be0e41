import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../support/chromium.js';
import { confirmDialog, consoleUrl, errorBoxes, screenshot, showView, waitForRows, waitForState } from '../support/consolePage.js';
import { jolokiaUrl, CREDENTIALS, managementNode } from '../management/managementNode.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Three real nodes on 127.0.28.21-23 and one headless Chromium (Debian's) on node 1's console.
const ADDRESSES = ['127.0.28.21', '127.0.28.22', '127.0.28.23'];
const GRID = ADDRESSES.map((a) => `${a}:5701`);
/** Another origin: a page there posts to the console. */
const ATTACKER = '127.0.28.24';
const AUTH = ['--url', jolokiaUrl(ADDRESSES[0]), '--user', CREDENTIALS.user, '--password', CREDENTIALS.password];
const ROUTES = ['OX2821', 'OX2822', 'OX2823'];
const PASSWORD = 'user-pw';
/** Who logs in on which node before the console opens: the Sessions view counts them per node. */
const LOGINS: [user: string, node: number][] = [['alice', 0], ['alice', 2], ['bob', 1], ['carol', 2], ['carol', 0], ['carol', 2]];
/** Sessions per node of login that LOGINS leaves. */
const EXPECTED_SESSIONS = Object.fromEntries(ROUTES.map((route, node) => [route, LOGINS.filter(([, n]) => n === node).length]));

/**
 * Logs `churn` in and out in turn on every node until stopped: the sessions map has operations, so the
 * Maps view's charts move (at most one churn session exists at a time). `stop()` resolves with the
 * error that ended the churn early, if any.
 */
function sessionChurn(): { stop(): Promise<Error | undefined> } {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const client = new SessionClient(`http://${ADDRESSES[i % 3]}:8009`);
      expectOk(await client.login('churn', PASSWORD), `churn login on ${ROUTES[i % 3]}`);
      expectOk(await client.logout(), `churn logout on ${ROUTES[i % 3]}`);
    }
    return undefined;
  })().catch((err: Error) => err);
  return { stop: () => { running = false; return loop; } };
}

async function jolokiaRead<T>(address: string, mbean: string, attribute?: string): Promise<T> {
  const authorization = `Basic ${Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64')}`;
  const res = await fetch(`${jolokiaUrl(address)}/`, { method: 'POST', headers: { authorization }, body: JSON.stringify({ type: attribute ? 'read' : 'search', mbean, attribute }) });
  const body = await res.json() as { status: number; value: T; error?: string };
  if (body.status !== 200) throw new Error(`jolokia ${mbean} ${attribute ?? ''}: ${body.error}`);
  return body.value;
}

const rows = (page: Page, selector: string) => page.locator(selector).count();

/** Each view with what it must show when the cluster has data: rows matching the MBeans Jolokia reports. */
const VIEWS: { view: string; check(page: Page): Promise<void> }[] = [
  { view: 'cluster', check: async (page) => {
    const state = await jolokiaRead<string>(ADDRESSES[0], 'com.hazelcast:type=ClusterService,instance=OX2821,name=OX2821', 'clusterState');
    await waitForState(page, state, 3000);
  } },
  { view: 'members', check: async (page) => assert.equal(await rows(page, 'tr[data-member]'), 3) },
  { view: 'partitions', check: async (page) => assert.equal(await rows(page, 'tr[data-partitions-of]'), 3, 'owned partitions of each member') },
  { view: 'maps', check: async (page) => {
    const maps = await jolokiaRead<string[]>(ADDRESSES[0], 'com.hazelcast:type=IMap,*');
    assert.ok(maps.length > 0);
    await waitForRows(page, 'tr[data-map]', maps.length, 3000);
    await page.getByRole('button', { name: 'sessions', exact: true }).click();
    await page.locator('main section.detail h3', { hasText: /^Map sessions$/ }).waitFor({ timeout: 3000 });
    await waitForRows(page, 'main figure.chart canvas', 2, 3000); // the selected map's two charts
    // The churn of logins keeps the sessions map busy: its rate is above zero, and its charts have a few seconds of points.
    await page.locator('tr[data-map="sessions"] td[data-label="Ops/s"]', { hasNotText: /^(0\.0|n\/a)$/ }).waitFor({ timeout: 5000 });
    const points = page.locator('main figure.chart').first();
    await waitFor('five points in the sessions map\'s chart', async () => Number(await points.getAttribute('data-points')) >= 5, 10_000, 100);
  } },
  { view: 'caches', check: async (page) => {
    const regions = await jolokiaRead<string[]>(ADDRESSES[0], 'com.openexchange.caching:type=Cache,*');
    assert.ok(regions.length > 0);
    await waitForRows(page, 'tr[data-region]', regions.length, 3000);
  } },
  { view: 'sessions', check: async (page) => {
    await waitForRows(page, 'tr[data-sessions-of]', 3, 3000);
    for (const route of ROUTES) {
      const shown = Number(await page.locator(`tr[data-sessions-of="${route}"] td[data-label="Sessions"]`).textContent());
      // The churn session may be counted too (at most one at a time).
      assert.ok(shown === EXPECTED_SESSIONS[route] || shown === EXPECTED_SESSIONS[route] + 1, `${route}: ${shown} sessions shown, ${EXPECTED_SESSIONS[route]} logged in`);
    }
    await page.getByPlaceholder('login name').fill('carol');
    await page.getByRole('button', { name: 'Look up' }).click();
    await waitForRows(page, 'tr[data-session]', LOGINS.filter(([user]) => user === 'carol').length, 5000);
  } },
  { view: 'bundles', check: async (page) => {
    const bundles = await jolokiaRead<string[]>(ADDRESSES[0], 'com.openexchange.kernel:type=Bundle,*');
    assert.equal(await rows(page, 'tr[data-bundle]'), bundles.length);
  } },
  { view: 'upgrade', check: async (page) => assert.equal(await rows(page, 'tr[data-version-of]'), 3, 'versions of the three members') },
];

async function bundleState(name: string): Promise<string | undefined> {
  const out = await runOxk(['bundle', 'list', '--json', ...AUTH]);
  assert.equal(out.code, 0, out.stderr);
  return (JSON.parse(out.stdout) as { name: string; state: string }[]).find((b) => b.name === name)?.state;
}

describe('web console in Chromium against three nodes (127.0.28.21-23)', () => {
  let config: ReturnType<typeof tempConfig> | undefined;
  let churn: ReturnType<typeof sessionChurn> | undefined;
  const nodes: NodeProcess[] = [];
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    config = tempConfig({ 'users.properties': await usersFile({ alice: PASSWORD, bob: PASSWORD, carol: PASSWORD, churn: PASSWORD }) });
    for (const [i, address] of ADDRESSES.entries()) nodes.push(managementNode({ configDir: config.dir, address, route: ROUTES[i], cluster: GRID }));
    await Promise.all(nodes.map((n) => n.ready(40_000)));
    await waitForCluster(ADDRESSES, 3, 45_000);
    for (const [user, node] of LOGINS) expectOk(await new SessionClient(`http://${ADDRESSES[node]}:8009`).login(user, PASSWORD), `login of ${user} on ${ROUTES[node]}`);
    churn = sessionChurn();
    browser = await launchChromium({ credentials: { username: CREDENTIALS.user, password: CREDENTIALS.password } });
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(consoleUrl(ADDRESSES[0], 'members'));
  });

  after(async () => {
    await churn?.stop();
    await browser?.close();
    await killAll();
    config?.remove();
  });

  it('lists the three members', async () => {
    await waitForRows(page, 'tr[data-member]', 3, 10_000);
    const shown = await page.$$eval('tr[data-member]', (r) => r.map((x) => x.getAttribute('data-member')));
    assert.deepEqual(shown.sort(), GRID);
  });

  it('shows every view with its data and no error box, at desktop and phone width, light and dark', async () => {
    for (const { view, check } of VIEWS) {
      await showView(page, view);
      await check(page);
      assert.deepEqual(await errorBoxes(page), [], `error box in ${view}`);
      await screenshot(page, `${view}-1280`);
    }
    await page.setViewportSize({ width: 375, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      for (const { view, check } of VIEWS) {
        await showView(page, view);
        await check(page);
        const overflow = await page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
        assert.ok(overflow <= 0, `${view} fits 375 px (${overflow} px too wide)`);
        const clipped = await page.locator('main .table-wrap').evaluateAll((wraps) => wraps.filter((w) => w.scrollWidth > w.clientWidth).map((w) => w.getAttribute('aria-label')));
        assert.deepEqual(clipped, [], `${view}: tables wider than the screen (scrolled sideways)`);
        await screenshot(page, `${view}-375-dark`);
      }
      const background = await page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);
      assert.notEqual(background, 'rgb(247, 247, 248)', 'dark colours under prefers-color-scheme: dark');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: 'light' });
    }
    assert.deepEqual(pageErrors, []);
    // The churn ends here: the following tests clear the sessions map and kill nodes.
    assert.equal(await churn?.stop(), undefined, 'the login churn ran without errors');
  });

  it('is usable with the keyboard: a view by its link, a dialog opened and cancelled, the theme toggle', async () => {
    await page.getByRole('link', { name: 'Bundles' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="bundles"]');
    await page.getByRole('button', { name: 'Stop bundle cache-jcs' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog[open]', { state: 'detached', timeout: 2000 });
    assert.equal(await bundleState('cache-jcs'), 'ACTIVE', 'a cancelled dialog runs nothing');
    const theme = page.getByRole('button', { name: /^Colour theme: auto/ });
    await theme.focus();
    await page.keyboard.press('Enter');
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: /^Colour theme: light/ }).press('Enter');
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await screenshot(page, 'bundles-1280-dark-toggle');
    await page.getByRole('button', { name: /^Colour theme: dark/ }).press('Enter');
    await page.locator('html:not([data-theme])').waitFor({ state: 'attached' });
  });

  it('stops and starts cache-jcs from the Bundles view: the page and oxk bundle list agree', async () => {
    await showView(page, 'bundles');
    await page.getByRole('button', { name: 'Stop bundle cache-jcs' }).click();
    await confirmDialog(page);
    await page.waitForSelector('tr[data-bundle="cache-jcs"][data-state="RESOLVED"]', { timeout: 10_000 });
    assert.equal(await bundleState('cache-jcs'), 'RESOLVED');
    const focused = await page.getByRole('button', { name: 'Start bundle cache-jcs' }).evaluate((button) => button === button.ownerDocument.activeElement);
    assert.ok(focused, 'the keyboard focus stays on the bundle\'s button when Stop turns into Start');
    await nodes[0].waitForLine(new RegExp(`console: ${CREDENTIALS.user} stopped bundle cache-jcs`), 5000);
    await page.getByRole('button', { name: 'Start bundle cache-jcs' }).click();
    await confirmDialog(page);
    await page.waitForSelector('tr[data-bundle="cache-jcs"][data-state="ACTIVE"]', { timeout: 10_000 });
    assert.equal(await bundleState('cache-jcs'), 'ACTIVE');
  });

  it('ends one of a user\'s sessions from the Sessions view: the list is read again and shows the others', async () => {
    await showView(page, 'sessions');
    await page.getByPlaceholder('login name').fill('carol');
    await page.getByRole('button', { name: 'Look up' }).click();
    const carols = LOGINS.filter(([user]) => user === 'carol').length;
    await waitForRows(page, 'tr[data-session]', carols, 5000);
    const ended = await page.locator('tr[data-session]').first().getAttribute('data-session');
    await page.getByRole('button', { name: `End session ${ended}` }).click();
    await confirmDialog(page);
    await nodes[0].waitForLine(new RegExp(`console: ${CREDENTIALS.user} ended session ${ended}`), 5000);
    await waitForRows(page, 'tr[data-session]', carols - 1, 5000);
    assert.equal(await rows(page, `tr[data-session="${ended}"]`), 0);
  });

  it('clears a map only once its name is typed in the dialog', async () => {
    await showView(page, 'maps');
    await page.getByRole('button', { name: 'sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Clear map sessions' }).click();
    const confirm = page.locator('dialog[open] button.confirm-button');
    await page.locator('dialog[open] input[name="confirm"]').fill('session');
    assert.equal(await confirm.isDisabled(), true);
    await page.locator('dialog[open] input[name="confirm"]').fill('sessions');
    await confirm.click();
    await nodes[0].waitForLine(new RegExp(`console: ${CREDENTIALS.user} cleared map sessions`), 5000);
    await page.locator('.notice', { hasText: 'map sessions cleared' }).waitFor();
  });

  it('switches the cluster to FROZEN and back from the page', async () => {
    await showView(page, 'cluster');
    for (const state of ['FROZEN', 'ACTIVE']) {
      await page.getByLabel('New cluster state').selectOption(state);
      await page.getByRole('button', { name: `Change the cluster state to ${state}` }).click();
      await confirmDialog(page);
      await waitForState(page, state, 10_000);
      await waitFor(`${state} on every member`, async () => {
        const states = await Promise.all(ADDRESSES.map((a, i) => jolokiaRead<string>(a, `com.hazelcast:type=ClusterService,instance=OX282${i + 1},name=OX282${i + 1}`, 'clusterState')));
        return states.every((s) => s === state);
      }, 10_000, 50);
    }
    assert.deepEqual(await errorBoxes(page), []);
  });

  it('refuses a cross-site form POST from another origin\'s page', async () => {
    const target = `http://${ADDRESSES[0]}:8009/monitoring/console/api/action`;
    // A text/plain form can carry JSON-looking text: the classic CSRF against JSON endpoints.
    const attack = `<!doctype html><form method="POST" action="${target}" enctype="text/plain">`
      + `<input name='{"action":"cache.clear","region":"Context","x":"' value='"}'></form>`
      + '<script>document.forms[0].submit()</script>';
    const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attack));
    await new Promise<void>((resolve) => site.listen(8080, ATTACKER, resolve));
    const other = await browser.context.newPage();
    try {
      const answer = other.waitForResponse((r) => r.url() === target);
      await other.goto(`http://${ATTACKER}:8080/`);
      assert.equal((await answer).status(), 403);
      await nodes[0].waitForLine(new RegExp(`refused cross-origin POST "/monitoring/console/api/action".*origin "http://${ATTACKER.replace(/\./g, '\\.')}:8080"`), 5000);
      assert.ok(!nodes[0].lines.some((l) => /console: .* cleared cache region Context/.test(l)), 'nothing ran');
    } finally {
      await other.close();
      const closed = new Promise((resolve) => site.close(resolve));
      site.closeAllConnections(); // the browser keeps its connection alive
      await closed;
    }
  });

  it('shows two members within 2 s of a SIGKILL, without a reload', async () => {
    await showView(page, 'members');
    await waitForRows(page, 'tr[data-member]', 3, 10_000);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const killedAt = Date.now();
    await nodes[2].kill();
    await waitForRows(page, 'tr[data-member]', 2, 2000);
    const took = Date.now() - killedAt;
    assert.ok(took <= 2000, `${took} ms`);
    assert.deepEqual(navigations, [], 'no reload');
    const shown = await page.$$eval('tr[data-member]', (r) => r.map((x) => x.getAttribute('data-member')));
    assert.deepEqual(shown.sort(), GRID.slice(0, 2));
  });

  it('says so when its own node goes away', async () => {
    await nodes[0].kill();
    await page.waitForSelector('.banner', { timeout: 5000 });
    assert.match(await page.textContent('.banner') ?? '', /Lost the connection to node OX2821/);
    await screenshot(page, 'node-gone');
  });
});
