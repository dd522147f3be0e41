import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_STREAMS } from '../../bundles/management/console/eventStreams.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { CREDENTIALS, managementNode } from '../management/managementNode.js';

// One node with the console on (127.0.28.11) and one without credentials (127.0.28.12), over plain HTTP.
const ON = '127.0.28.11';
const OFF = '127.0.28.12';
const CONSOLE = `http://${ON}:8009/monitoring/console`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTH = { authorization: basic(CREDENTIALS.user, CREDENTIALS.password) };

/** The CSRF token from the page's bootstrap. */
async function token(): Promise<string> {
  const page = await (await fetch(CONSOLE, { headers: AUTH })).text();
  const m = /<meta name="oxk-token" content="([^"]+)">/.exec(page);
  assert.ok(m, `no token in the page:\n${page.slice(0, 500)}`);
  return m[1];
}

async function action(body: Record<string, unknown>, headers: Record<string, string>): Promise<{ status: number; text: string; json: { result?: unknown; error?: string; code?: string } }> {
  const res = await fetch(`${CONSOLE}/api/action`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) as { result?: unknown; error?: string } : {} };
}

/** Reads an event stream until `count` events arrived; returns their names and data. */
async function events(count: number, signal: AbortSignal): Promise<{ event: string; data: string }[]> {
  const res = await fetch(`${CONSOLE}/events`, { headers: AUTH, signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const decoder = new TextDecoder();
  let text = '';
  const out: { event: string; data: string }[] = [];
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) out.push({ event, data });
      if (out.length >= count) return out;
    }
  }
  return out;
}

describe('web console access (127.0.28.11-12)', () => {
  const config = tempConfig();
  let on: NodeProcess;
  let off: NodeProcess;

  before(async () => {
    on = managementNode({ configDir: config.dir, address: ON, route: 'OX2811' });
    off = managementNode({ configDir: config.dir, address: OFF, route: 'OX2812', credentials: null });
    await Promise.all([on.ready(), off.ready()]);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('is off without credentials: 404 with a page naming the properties, and a log line', async () => {
    for (const path of ['', '/', '/app.js', '/events']) {
      const res = await fetch(`http://${OFF}:8009/monitoring/console${path}`);
      assert.equal(res.status, 404, path);
      const body = await res.text();
      assert.match(body, /com\.openexchange\.jolokia\.user/);
      assert.doesNotMatch(body, /OX2812|127\.0\.28/, 'nothing about the node or cluster');
    }
    assert.ok(off.lines.some((l) => /web console is off: com\.openexchange\.jolokia\.user and com\.openexchange\.jolokia\.password must both be set/.test(l)));
  });

  it('answers 401 without or with wrong credentials, with no data in the body', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: basic(CREDENTIALS.user, 'wrong') }, { authorization: basic('someone', CREDENTIALS.password) }];
    for (const headers of attempts) {
      for (const path of ['', '/app.js', '/events']) {
        const res = await fetch(`${CONSOLE}${path}`, { headers });
        assert.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
        assert.equal(await res.text(), '');
      }
      const post = await action({ action: 'cache.clear', region: 'Context' }, headers);
      assert.equal(post.status, 401);
      assert.equal(post.text, '');
    }
    // Eight requests with wrong credentials from one address: one log line (a minute's worth), never the password.
    const logged = await on.waitForLine(/web console: wrong credentials from 127\.0\.0\.1; refused with 401/);
    assert.equal(on.lines.filter((l) => /web console: wrong credentials/.test(l)).length, 1, logged);
    assert.ok(!on.lines.some((l) => l.includes('wrong') && l.includes(CREDENTIALS.password)));
  });

  it('serves the page, its modules and the vendored libraries from the node', async () => {
    const page = await fetch(CONSOLE, { headers: AUTH });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="(\/monitoring\/console\/[^"]+)"/g)].map((m) => m[1])) {
      const res = await fetch(`http://${ON}:8009${src}`, { headers: AUTH });
      assert.equal(res.status, 200, src);
    }
    for (const lib of ['vendor/preact.mjs', 'vendor/hooks.mjs', 'vendor/htm.mjs', 'vendor/uPlot.esm.js']) {
      const res = await fetch(`${CONSOLE}/${lib}`, { headers: AUTH });
      assert.equal(res.status, 200, lib);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
    }
    assert.equal((await fetch(`${CONSOLE}/../../etc/passwd`, { headers: AUTH })).status, 404);
  });

  it('refuses an action without the CSRF token, with a wrong one, and from another site', async () => {
    const right = await token();
    const missing = await action({ action: 'cache.clear', region: 'Context' }, AUTH);
    assert.equal(missing.status, 403);
    assert.equal(missing.json.code, 'CONSOLE-CSRF');
    const wrong = await action({ action: 'cache.clear', region: 'Context' }, { ...AUTH, 'x-oxk-console-token': `${right.slice(0, -2)}xx` });
    assert.equal(wrong.status, 403);
    const crossSite = await action({ action: 'cache.clear', region: 'Context' }, { ...AUTH, 'x-oxk-console-token': right, origin: 'http://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.json.error ?? '', /cross-origin/);
    assert.ok(!on.lines.some((l) => /console: .* cleared cache region Context/.test(l)), 'no refused action ran');
  });

  it('runs an action with the token, logs it with the user, and names what no longer exists', async () => {
    const headers = { ...AUTH, 'x-oxk-console-token': await token(), origin: `http://${ON}:8009` };
    const regions = (await events(2, AbortSignal.timeout(5000))).find((e) => e.event === 'snapshot');
    const region = (JSON.parse(regions!.data) as { caches: { name: string }[] }).caches[0]?.name;
    assert.ok(region, 'the node has a cache region');
    const cleared = await action({ action: 'cache.clear', region }, headers);
    assert.equal(cleared.status, 200, JSON.stringify(cleared.json));
    await on.waitForLine(new RegExp(`console: ${CREDENTIALS.user} cleared cache region ${region}`), 5000);

    const goneBundle = await action({ action: 'bundle.stop', bundle: 'no-such-bundle' }, headers);
    assert.equal(goneBundle.status, 404);
    assert.match(goneBundle.json.error ?? '', /bundle no-such-bundle does not exist/);
    const goneMap = await action({ action: 'map.clear', map: 'no-such-map', confirm: 'no-such-map' }, headers);
    assert.equal(goneMap.status, 404);
    assert.match(goneMap.json.error ?? '', /map no-such-map does not exist/);
    const unconfirmed = await action({ action: 'map.clear', map: 'sessions', confirm: 'session' }, headers);
    assert.equal(unconfirmed.status, 400);
    assert.match(unconfirmed.json.error ?? '', /type the map's name \(sessions\)/);
    const badState = await action({ action: 'cluster.state', state: 'SLEEPING' }, headers);
    assert.equal(badState.status, 400);
    assert.match(badState.json.error ?? '', /unknown cluster state/);
    const unknown = await action({ action: 'shell', command: 'id' }, headers);
    assert.equal(unknown.status, 400);
  });

  it('streams the history, then a snapshot a second read from the MBeans', async () => {
    const got = await events(3, AbortSignal.timeout(6000));
    assert.deepEqual(got.map((e) => e.event), ['history', 'snapshot', 'snapshot']);
    const [a, b] = got.slice(1).map((e) => JSON.parse(e.data) as { at: number; node: { Route: string }; members: { address: string }[]; bundles: { Name: string }[] });
    assert.equal(a.node.Route, 'OX2811');
    assert.deepEqual(a.members.map((m) => m.address), [`${ON}:5701`]);
    assert.ok(a.bundles.some((x) => x.Name === 'cache-jcs'));
    assert.ok(b.at - a.at >= 500 && b.at - a.at <= 3000, `one snapshot a second (${b.at - a.at} ms apart)`);
  });

  it(`refuses a live stream beyond ${MAX_STREAMS} open consoles, and takes one again after one closed`, async () => {
    // Streams of earlier tests may still be closing on the node: retry until all MAX_STREAMS open at once.
    const streams = await waitFor(`${MAX_STREAMS} streams open at once`, async () => {
      const opened = await Promise.all(Array.from({ length: MAX_STREAMS }, async () => {
        const abort = new AbortController();
        const res = await fetch(`${CONSOLE}/events`, { headers: AUTH, signal: abort.signal });
        if (res.status !== 200) abort.abort();
        return { abort, ok: res.status === 200 };
      }));
      if (opened.every((o) => o.ok)) return opened.map((o) => o.abort);
      for (const o of opened) o.abort.abort();
      return undefined;
    }, 10_000, 100);
    try {
      const refused = await fetch(`${CONSOLE}/events`, { headers: AUTH });
      assert.equal(refused.status, 503);
      assert.match(await refused.text(), /Too many open consoles/);
      streams.pop()!.abort();
      await waitFor('a stream slot freed', async () => {
        const res = await fetch(`${CONSOLE}/events`, { headers: AUTH, signal: AbortSignal.timeout(2000) });
        if (res.status !== 200) return false;
        await res.body?.cancel();
        return true;
      }, 5000, 50);
    } finally {
      for (const s of streams) s.abort();
    }
  });
});
