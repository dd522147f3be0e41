import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import winston from 'winston';
import { HttpError } from '../../bundles/http/api.js';
import { HttpConnector } from '../../bundles/http/connector.js';
import { parseCookies, splitPathParams } from '../../bundles/http/request.js';

const HOST = '127.0.1.31';
const PORT = 8009;
const base = `http://${HOST}:${PORT}`;
const silent = winston.createLogger({ silent: true });
const connector = new HttpConnector({ host: HOST, port: PORT, maxBodyBytes: 1024, maxHeaderBytes: 4096 }, silent);

/** Sends raw bytes and returns the first line of the answer. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(PORT, HOST, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (c) => { answer += c.toString(); });
    socket.on('end', () => resolve(answer.split('\r\n')[0]));
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

before(async () => {
  connector.route('GET', '/echo', (req) => ({ json: { path: req.path, params: Object.fromEntries(req.pathParams), cookies: Object.fromEntries(req.cookies), q: req.query.get('q') } }));
  connector.route('POST', '/form', async (req) => ({ json: Object.fromEntries(await req.form()) }));
  connector.route('*', '/api', (req) => ({ json: { sub: req.path } }), { prefix: true });
  connector.route('GET', '/teapot', () => { throw new HttpError(418, 'TEA-1', 'I am a teapot'); });
  connector.route('GET', '/bug', () => { throw new Error('secret internals'); });
  await connector.listen();
});
after(() => connector.close());

describe('HTTP connector', () => {
  it('splits ;jsessionid path parameters off the path, case-insensitively', async () => {
    const res = await fetch(`${base}/echo;JSESSIONID=123.OX1?q=1`);
    assert.deepEqual(await res.json(), { path: '/echo', params: { jsessionid: '123.OX1' }, cookies: {}, q: '1' });
    assert.deepEqual(splitPathParams('/a;x;y=1;=2').params, new Map([['y', '1']]));
  });

  it('parses cookies, skipping malformed pairs, first one wins', async () => {
    assert.deepEqual(parseCookies('a=1; junk; b="2"; a=3; =4'), new Map([['a', '1'], ['b', '2']]));
    const res = await fetch(`${base}/echo`, { headers: { cookie: 'JSESSIONID=5.OX2; x' } });
    assert.deepEqual(((await res.json()) as { cookies: unknown }).cookies, { JSESSIONID: '5.OX2' });
  });

  it('reads url-encoded and JSON forms, refuses bad JSON and oversized bodies', async () => {
    const form = await fetch(`${base}/form`, { method: 'POST', body: new URLSearchParams({ name: 'ada', password: 'x y' }) });
    assert.deepEqual(await form.json(), { name: 'ada', password: 'x y' });
    const json = await fetch(`${base}/form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await json.json(), { a: '1' });
    const bad = await fetch(`${base}/form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(bad.status, 400);
    const big = await fetch(`${base}/form`, { method: 'POST', body: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'HTTP-0413');
  });

  it('answers 404, 405, handler errors as JSON, and 500 without internals', async () => {
    assert.equal((await fetch(`${base}/nothing`)).status, 404);
    assert.equal((await fetch(`${base}/echo`, { method: 'DELETE' })).status, 405);
    const tea = await fetch(`${base}/teapot`);
    assert.equal(tea.status, 418);
    assert.deepEqual(await tea.json(), { error: 'I am a teapot', code: 'TEA-1' });
    const bug = await fetch(`${base}/bug`);
    assert.equal(bug.status, 500);
    assert.doesNotMatch(await bug.text(), /secret internals/);
  });

  it('prefix routes take every path below, any method with *', async () => {
    const res = await fetch(`${base}/api/read/x:type=y/attr`, { method: 'PUT' });
    assert.deepEqual(await res.json(), { sub: '/api/read/x:type=y/attr' });
    assert.equal((await fetch(`${base}/apix`)).status, 404);
  });

  it('rejects malformed requests and oversized headers without a handler seeing them', async () => {
    assert.match(await raw('NONSENSE\r\n\r\n'), /^HTTP\/1\.1 400/);
    assert.match(await raw(`GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`), /^HTTP\/1\.1 431/);
    assert.equal((await fetch(`${base}/echo`)).status, 200);
  });
});
