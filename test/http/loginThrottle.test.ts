import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { usersFile } from '../support/sessionClient.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses of this file: the node on 127.0.12.2; clients send from 127.0.12.100 to 127.0.12.104.
const HOST = '127.0.12.2';
const ATTACKER = '127.0.12.100';
const BOB_HOME = '127.0.12.101';
const SPRAYER = '127.0.12.102';
const ALICE_ELSEWHERE = '127.0.12.103';
const PROXY = '127.0.12.104';
const WRONG = 'Wr0ng-Secret-Guess';

interface LoginAnswer { status: number; retryAfter?: string; json: { code?: string; error?: string; user?: string } }

/** POST /ajax/login?action=login from a chosen local address. */
function login(from: string, name: string, password: string, extraHeaders: Record<string, string> = {}): Promise<LoginAnswer> {
  const body = new URLSearchParams({ name, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request({
      host: HOST, port: 8009, localAddress: from, method: 'POST', path: '/ajax/login?action=login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...extraHeaders },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString('utf8'); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], json: JSON.parse(text) as LoginAnswer['json'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let node: NodeProcess;
let remove: () => void = () => {};

before(async () => {
  const config = tempConfig({ 'users.properties': await usersFile({ alice: 'alice-pw', bob: 'bob-pw' }) });
  remove = config.remove;
  node = sessionNode({ configDir: config.dir, address: HOST, route: 'OX122', set: { 'com.openexchange.server.knownProxies': PROXY } });
  await node.ready(30_000);
});

after(async () => {
  await killAll();
  remove();
});

describe('failed logins on a real node', () => {
  // First: failure lines are rate-limited, and the floods below use up the minute's allowance.
  it('behind a known proxy the client is the address it forwards; anyone else\'s X-Forwarded-For is ignored', async () => {
    assert.equal((await login(PROXY, 'carol', WRONG, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).status, 401);
    await node.waitForLine(/failed login for user "carol" from 203\.0\.113\.7$/);
    assert.equal((await login(BOB_HOME, 'dave', WRONG, { 'x-forwarded-for': '203.0.113.99' })).status, 401);
    await node.waitForLine(/failed login for user "dave" from 127\.0\.12\.101$/);
  });

  it('300 wrong passwords for one user: 429 with Retry-After, failures logged without the password, others unaffected', async () => {
    const answers: LoginAnswer[] = [];
    for (let i = 0; i < 300; i++) answers.push(await login(ATTACKER, 'alice', `${WRONG}-${i}`));
    const statuses = answers.map((a) => a.status);
    assert.deepEqual(new Set(statuses), new Set([401, 429]));
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal > 0 && firstRefusal <= 20, `the first 429 came after ${firstRefusal} attempts`);
    const refused = answers[firstRefusal]!;
    assert.equal(refused.json.code, 'LGI-0429');
    assert.match(refused.retryAfter ?? '', /^[1-9]\d*$/);
    assert.ok(statuses.slice(firstRefusal).filter((s) => s === 429).length >= 250, 'the throttle holds for the rest of the run');

    // The user is throttled from any address while its bucket is empty, even with the right password.
    assert.equal((await login(ALICE_ELSEWHERE, 'alice', 'alice-pw')).status, 429);
    // A different user from a different address logs in.
    const bob = await login(BOB_HOME, 'bob', 'bob-pw');
    assert.equal(bob.status, 200, JSON.stringify(bob.json));
    assert.equal(bob.json.user, 'bob');

    await node.waitForLine(/WARN .*failed login for user "alice" from 127\.0\.12\.100/);
    await node.waitForLine(/WARN .*login refused for user "alice" from 127\.0\.12\.100: too many failed logins/);
    assert.equal(node.lines.filter((l) => l.includes(WRONG)).length, 0, 'no password in the log');
    const failures = node.lines.filter((l) => l.includes('failed login for')).length;
    assert.ok(failures <= statuses.filter((st) => st === 401).length, 'one line per failure at most');
    // 290 refusals in a few seconds: at most 10 lines a minute (two windows if the run crosses one).
    const refusals = node.lines.filter((l) => l.includes('login refused for')).length;
    assert.ok(refusals >= 1 && refusals <= 20, `${refusals} lines for the refused attempts`);
  });

  it('one address spraying many user names is throttled by address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) statuses.push((await login(SPRAYER, `nobody-${i}`, WRONG)).status);
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal > 0 && firstRefusal <= 60, `the first 429 came after ${firstRefusal} attempts`);
    assert.equal((await login(BOB_HOME, 'bob', 'bob-pw')).status, 200, 'other addresses are not slowed');
  });
});
