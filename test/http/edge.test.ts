import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customBundleFolder, esmPackage } from '../support/customBundles.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { usersFile } from '../support/sessionClient.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { CREDENTIALS, managementNode } from '../management/managementNode.js';
import { abortMidBody, chunk, rawExchange } from './rawHttp.js';

// Addresses of this file: 127.0.12.1.
const HOST = '127.0.12.1';
const BASE = `http://${HOST}:8009`;
const SAME_ORIGIN = BASE;
const EVIL = 'http://evil.example';
const BODY_LIMIT = 4096;
const AUTH = `Basic ${Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64')}`;
const PROBE = 'test.edge:type=Probe';

// A custom bundle with a route that fails (a 500), a POST route of its own and an MBean whose
// operation leaves a trace, so a refused request can be shown not to have run.
const probeBundle = `import { defineBundle } from 'oxkernel/sdk';
import { HTTP_ROUTES } from 'oxkernel/bundles/http/api';
import { MBEANS } from 'oxkernel/bundles/management/api';
export default defineBundle({
  name: 'edge-probe', version: '1.0.0', deps: {},
  start(_services, ctx) {
    let bumps = 0;
    ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/probe/fail', handler: () => { throw new Error('probe failure'); } });
    ctx.contribute(HTTP_ROUTES, { method: 'POST', path: '/probe/bump', handler: () => ({ json: { bumps: ++bumps } }) });
    ctx.contribute(MBEANS, { objectName: '${PROBE}', mbean: {
      attributes: [{ name: 'Bumps', type: 'int', get: () => bumps }],
      operations: [{ name: 'bump', params: [], returnType: 'int', invoke: () => ++bumps }],
    } });
  },
});
`;

let node: NodeProcess;
const cleanups: (() => void)[] = [];

before(async () => {
  const config = tempConfig({ 'users.properties': await usersFile({ alice: 'alice-pw' }) });
  const bundles = customBundleFolder({ bundles: { 'edge-probe': { packageJson: esmPackage('edge-probe'), files: { 'index.js': probeBundle } } } });
  cleanups.push(config.remove, bundles.remove);
  node = managementNode({
    configDir: config.dir, address: HOST, route: 'OX121', env: { OXK_LOG_LEVEL: 'debug' },
    set: { 'kernel.bundles.path': bundles.dir, 'com.openexchange.connector.maxBodySize': BODY_LIMIT },
  });
  await node.ready(30_000);
});

after(async () => {
  await killAll();
  for (const c of cleanups) c();
});

const loginForm = (name: string, password: string) => new URLSearchParams({ name, password }).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function bumps(): Promise<number> {
  const res = await fetch(`${BASE}/monitoring/jolokia/read/${PROBE}/Bumps`, { headers: { authorization: AUTH } });
  return ((await res.json()) as { value: number }).value;
}

function execBump(headers: Record<string, string>): Promise<Response> {
  return fetch(`${BASE}/monitoring/jolokia`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'text/plain', ...headers },
    body: JSON.stringify({ type: 'exec', mbean: PROBE, operation: 'bump' }),
  });
}

describe('request bodies at the edge', () => {
  it('a client that resets halfway through its body costs one debug line, no ERROR and no stack', async () => {
    const before = node.lines.length;
    const head = `POST /ajax/login?action=login HTTP/1.1\r\nHost: ${HOST}:8009\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\nExpect: 100-continue\r\n\r\n`;
    await abortMidBody(HOST, 8009, head, 'name=alice&password=');
    // Whatever the node makes of the abort (an ERROR before this change), it logs a line for it.
    await waitFor('a log line about the aborted request', () => node.lines.slice(before).some((l) => /client (aborted|closed)|^\S+ ERROR /.test(l)));
    // A request after the abort is served: the node is fine, and its log is complete up to here.
    assert.equal((await fetch(`${BASE}/health`)).status, 200);
    const since = node.lines.slice(before);
    assert.deepEqual(since.filter((l) => /^\S+ ERROR /.test(l)), []);
    assert.deepEqual(since.filter((l) => /^\s+at /.test(l)), [], 'no stack trace lines');
    assert.equal(since.filter((l) => /^\S+ DEBUG +\[(http|login)@/.test(l)).length, 1, since.join('\n'));
    assert.match(since.find((l) => / DEBUG /.test(l)) ?? '', /POST "\/ajax\/login" from 127\.[\d.]+: client (aborted|closed)/);
  });

  it('a body over the limit is answered 413 on the socket, chunked or with a length, not reset', async () => {
    const body = [chunk('name=alice&password='), chunk('x'.repeat(BODY_LIMIT)), chunk('y'.repeat(100)), '0\r\n\r\n'].join('');
    const { answer, error } = await rawExchange(HOST, 8009, `POST /ajax/login?action=login HTTP/1.1\r\nHost: ${HOST}:8009\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    assert.equal(error, undefined, `the connection was ${error}; answer so far: ${answer}`);
    assert.equal(answer.split('\r\n')[0], 'HTTP/1.1 413 Payload Too Large');
    assert.match(answer, /"code":"HTTP-0413"/);
    const withLength = await fetch(`${BASE}/ajax/login?action=login`, { method: 'POST', headers: FORM, body: `name=alice&password=${'z'.repeat(BODY_LIMIT)}` });
    assert.equal(withLength.status, 413);
  });
});

describe('headers on every answer', () => {
  it('nosniff on a 200, a 404, a 401 and a 500, with Node\'s reason phrases', async () => {
    const answers = await Promise.all([
      fetch(`${BASE}/health`),
      fetch(`${BASE}/no/such/thing`),
      fetch(`${BASE}/monitoring/jolokia/version`),
      fetch(`${BASE}/probe/fail`),
    ]);
    assert.deepEqual(answers.map((r) => r.status), [200, 404, 401, 500]);
    for (const r of answers) assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `status ${r.status}`);
    assert.deepEqual(answers.map((r) => r.statusText), ['OK', 'Not Found', 'Unauthorized', 'Internal Server Error']);
  });

  it('a head over the limit gets the status line "431 Request Header Fields Too Large"', async () => {
    const { answer } = await rawExchange(HOST, 8009, `GET /health HTTP/1.1\r\nHost: ${HOST}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(answer.split('\r\n')[0], 'HTTP/1.1 431 Request Header Fields Too Large');
    assert.match(answer, /^X-Content-Type-Options: nosniff$/im);
  });
});

describe('cross-origin state changes are refused', () => {
  it('login with a foreign Origin or Referer: 403 JSON; same-origin and without either: 200', async () => {
    const login = (headers: Record<string, string>) => fetch(`${BASE}/ajax/login?action=login`, { method: 'POST', headers: { ...FORM, ...headers }, body: loginForm('alice', 'alice-pw') });
    const evil = await login({ origin: EVIL });
    assert.equal(evil.status, 403);
    assert.equal(((await evil.json()) as { code: string }).code, 'HTTP-0403');
    assert.equal(evil.headers.get('set-cookie'), null, 'no session was made');
    assert.equal((await login({ referer: `${EVIL}/phish.html` })).status, 403);
    assert.equal((await login({ origin: 'null' })).status, 403);
    assert.equal((await login({ origin: SAME_ORIGIN })).status, 200);
    assert.equal((await login({ referer: `${SAME_ORIGIN}/appsuite/` })).status, 200);
    assert.equal((await login({})).status, 200);
    await node.waitForLine(/WARN .*refused cross-origin POST "\/ajax\/login" from 127\.[\d.]+: origin "http:\/\/evil\.example"/);
  });

  it('logout is a GET that changes state: checked too; a plain read such as whoami is not', async () => {
    const logout = (headers: Record<string, string>) => fetch(`${BASE}/ajax/login?action=logout&session=${'a'.repeat(32)}`, { headers });
    const evil = await logout({ origin: EVIL });
    assert.equal(evil.status, 403);
    assert.equal(((await evil.json()) as { code: string }).code, 'HTTP-0403');
    assert.equal((await logout({})).status, 401, 'without an Origin the handler answers: no such session');
    const whoami = await fetch(`${BASE}/ajax/system?action=whoami&session=${'a'.repeat(32)}`, { headers: { origin: EVIL } });
    assert.equal(whoami.status, 401);
  });

  it('a text/plain cross-origin Jolokia exec is refused and does not run; same-origin and no-Origin ones do', async () => {
    const start = await bumps();
    const evil = await execBump({ origin: EVIL });
    assert.equal(evil.status, 403);
    const evilGet = await fetch(`${BASE}/monitoring/jolokia/exec/${PROBE}/bump`, { headers: { authorization: AUTH, referer: `${EVIL}/x` } });
    assert.equal(evilGet.status, 403);
    assert.equal(await bumps(), start, 'the refused operations did not run');
    assert.equal((await execBump({ origin: SAME_ORIGIN })).status, 200);
    assert.equal((await execBump({})).status, 200);
    assert.equal(await bumps(), start + 2);
    const read = await fetch(`${BASE}/monitoring/jolokia/read/${PROBE}/Bumps`, { headers: { authorization: AUTH, origin: EVIL } });
    assert.equal(read.status, 200, 'a read changes nothing and is not checked');
  });

  it('any POST route of any bundle is checked by the connector', async () => {
    const evil = await fetch(`${BASE}/probe/bump`, { method: 'POST', headers: { origin: EVIL } });
    assert.equal(evil.status, 403);
    const own = await fetch(`${BASE}/probe/bump`, { method: 'POST', headers: { origin: SAME_ORIGIN } });
    assert.equal(own.status, 200);
  });

  it('refusals flood no log: at most a few lines a minute', async () => {
    const before = node.lines.length;
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${BASE}/probe/bump`, { method: 'POST', headers: { origin: EVIL } }).then((r) => r.status)));
    assert.deepEqual(new Set(statuses), new Set([403]));
    await waitFor('the answer to a request after the flood', async () => (await fetch(`${BASE}/health`)).ok);
    const refusals = node.lines.slice(before).filter((l) => l.includes('refused cross-origin'));
    // Earlier tests of this file logged 7 refusals; the limit is 10 lines a minute.
    assert.ok(refusals.length >= 1 && refusals.length <= 10, `${refusals.length} lines for 100 refusals`);
  });
});
