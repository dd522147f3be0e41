import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import winston from 'winston';
import Transport from 'winston-transport';
import { HttpError, type HttpReply, type HttpRequest } from '../../bundles/http/api.js';
import { isLocalAddress } from '../../bundles/http/access.js';
import { jolokiaHandler } from '../../bundles/management/jolokia/endpoint.js';
import { DefaultMBeanServer } from '../../bundles/management/server/mbeanServer.js';
import { waitFor } from '../support/waitFor.js';
import { counterMBean } from './counterMBean.js';

// In-process: the handler with hand-made requests, client addresses of every kind included
// (jolokiaRemote.test.ts refuses a real non-loopback client).
const logs: string[] = [];
class Capture extends Transport {
  override log(info: { message: string }, done: () => void): void {
    logs.push(info.message);
    done();
  }
}
const logger = winston.createLogger({ transports: [new Capture()] });

function setup(restrictToLocalhost = true) {
  const server = new DefaultMBeanServer();
  const bean = counterMBean();
  server.register('test:type=Counter,name=main', bean);
  server.register('test:type=Counter,name="a/b!c"', counterMBean());
  const handler = jolokiaHandler(server, { user: 'admin', password: 's3cret', restrictToLocalhost, logger, agent: { product: 'oxkernel', version: '9.9.9', route: 'OX7' } });
  const call = async (o: { method?: string; url: string; body?: string; auth?: string | null; remote?: string }): Promise<HttpReply> => {
    const url = new URL(o.url, 'http://127.0.8.1:8009');
    const auth = o.auth === undefined ? `Basic ${Buffer.from('admin:s3cret').toString('base64')}` : o.auth;
    const req: HttpRequest = {
      method: o.method ?? 'GET', path: url.pathname, pathParams: new Map(), query: url.searchParams, cookies: new Map(),
      headers: auth === null ? {} : { authorization: auth }, remoteAddress: o.remote ?? '127.0.0.1', clientAddress: o.remote ?? '127.0.0.1',
      body: async () => Buffer.from(o.body ?? ''), form: async () => new URLSearchParams(),
      raw: { url: `${url.pathname}${url.search}` } as IncomingMessage,
    };
    return (await handler(req, {} as ServerResponse)) as HttpReply;
  };
  const handlerWith = async (body: () => Promise<Buffer>) => handler({
    method: 'POST', path: '/monitoring/jolokia', pathParams: new Map(), query: new URLSearchParams(), cookies: new Map(),
    headers: { authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` }, remoteAddress: '127.0.0.1', clientAddress: '127.0.0.1',
    body, form: async () => new URLSearchParams(), raw: { url: '/monitoring/jolokia' } as IncomingMessage,
  }, {} as ServerResponse);
  const post = async (body: unknown) => (await call({ method: 'POST', url: '/monitoring/jolokia/', body: JSON.stringify(body) })).json as Record<string, unknown> & Record<number, Record<string, unknown>>;
  return { server, bean, call, post, handlerWith };
}

describe('Jolokia protocol', () => {
  it('answers version for an empty GET, with the agent and protocol', async () => {
    const { call } = setup();
    const reply = await call({ url: '/monitoring/jolokia' });
    const json = reply.json as { status: number; value: { agent: string; protocol: string; info: { product: string } } };
    assert.equal(reply.status ?? 200, 200);
    assert.equal(json.status, 200);
    assert.equal(json.value.agent, '9.9.9');
    assert.equal(json.value.protocol, '8.0');
    assert.equal(json.value.info.product, 'oxkernel');
  });

  it('reads by GET with an inner path, and honours !/ escapes in names', async () => {
    const { call, bean } = setup();
    bean.state.label = 'hello';
    const r1 = (await call({ url: '/monitoring/jolokia/read/test:type=Counter,name=main/Label' })).json as { value: unknown; status: number };
    assert.deepEqual([r1.status, r1.value], [200, 'hello']);
    const r2 = (await call({ url: `/monitoring/jolokia/read/${encodeURIComponent('test:type=Counter,name="a!/b!!c"')}/Count` })).json as { value: unknown; status: number };
    assert.deepEqual([r2.status, r2.value], [200, 0]);
    const r3 = (await call({ url: '/monitoring/jolokia/read/test:type=Counter,name=main' })).json as { status: number; error_type: string };
    assert.deepEqual([r3.status, r3.error_type], [500, 'javax.management.MBeanException'], 'one failing getter fails a read of all attributes');
    const r4 = (await call({ url: '/monitoring/jolokia/read/test:type=Counter,name=main/*?ignoreErrors=true' })).json as { value: Record<string, unknown> };
    assert.deepEqual(Object.keys(r4.value).sort(), ['Broken', 'Count', 'Label', 'Ratio']);
  });

  it('answers POST single and bulk requests in order, errors in place', async () => {
    const { post, bean } = setup();
    const out = await post([
      { type: 'write', mbean: 'test:type=Counter,name=main', attribute: 'Label', value: 'via-post' },
      { type: 'exec', mbean: 'test:type=Counter,name=main', operation: 'add', arguments: [7] },
      { type: 'read', mbean: 'test:name=main,type=Counter', attribute: ['Count', 'Label'] },
      { type: 'search', mbean: 'test:type=Counter,*' },
      { type: 'read', mbean: 'test:type=Counter,*', attribute: 'Count' },
      { type: 'exec', mbean: 'test:type=Counter,name=main', operation: 'add', arguments: ['seven'] },
      { type: 'teleport' },
    ]) as unknown as Record<string, unknown>[];
    assert.equal(out.length, 7);
    assert.deepEqual([out[0].status, out[0].value], [200, 'start']);
    assert.equal(bean.state.label, 'via-post');
    assert.deepEqual([out[1].status, out[1].value], [200, 7]);
    assert.deepEqual(out[2].value, { Count: 7, Label: 'via-post' });
    assert.deepEqual(out[3].value, ['test:name="a/b!c",type=Counter', 'test:name=main,type=Counter']);
    assert.deepEqual(out[4].value, { 'test:name="a/b!c",type=Counter': { Count: 0 }, 'test:name=main,type=Counter': { Count: 7 } });
    assert.equal(out[5].status, 400);
    assert.equal(out[5].error_type, 'java.lang.IllegalArgumentException');
    assert.match(String(out[5].error), /^java\.lang\.IllegalArgumentException : .*not a valid int/);
    assert.equal(out[6].status, 400);
    assert.match(String(out[6].error), /Invalid request type 'teleport'/);
  });

  it('reports unknown MBeans, attributes, operations and malformed names with Jolokia statuses', async () => {
    const { post } = setup();
    const cases: [object, number, string][] = [
      [{ type: 'read', mbean: 'test:type=Nope', attribute: 'Count' }, 404, 'javax.management.InstanceNotFoundException'],
      [{ type: 'read', mbean: 'test:type=Counter,name=main', attribute: 'Nope' }, 404, 'javax.management.AttributeNotFoundException'],
      [{ type: 'read', mbean: 'test:type=Counter,name=main', attribute: 'Label', path: 'deeper' }, 404, 'javax.management.AttributeNotFoundException'],
      [{ type: 'exec', mbean: 'test:type=Counter,name=main', operation: 'nope' }, 404, 'javax.management.ReflectionException'],
      [{ type: 'exec', mbean: 'test:type=Counter,name=main', operation: 'fail' }, 500, 'javax.management.MBeanException'],
      [{ type: 'read', mbean: 'no colon here' }, 400, 'javax.management.MalformedObjectNameException'],
      [{ type: 'search', mbean: 'd:k="unterminated' }, 400, 'javax.management.MalformedObjectNameException'],
      [{ type: 'read' }, 400, 'java.lang.IllegalArgumentException'],
      [{ type: 'write', mbean: 'test:type=Counter,name=main', attribute: 'Count', value: 1 }, 404, 'javax.management.AttributeNotFoundException'],
      [{ type: 'read', mbean: 'test:type=Counter,name=main', attribute: 'Broken' }, 500, 'javax.management.MBeanException'],
      [{ type: 'list', path: 'nodomain' }, 400, 'java.lang.IllegalArgumentException'],
    ];
    for (const [request, status, type] of cases) {
      const r = await post(request);
      assert.equal(r.status, status, JSON.stringify(request));
      assert.equal(r.error_type, type, JSON.stringify(request));
      assert.ok(String(r.error).startsWith(`${type} : `), String(r.error));
    }
    await waitFor('the failing operation in the log', () => logs.some((l) => /^Jolokia request failed: .*disk full/.test(l)), 5_000);
  });

  it('answers malformed bodies and query parameters with error JSON, never a throw', async () => {
    const { call } = setup();
    const bad = await call({ method: 'POST', url: '/monitoring/jolokia', body: '{"type": "read",' });
    assert.equal(bad.status ?? 200, 200);
    assert.equal((bad.json as { status: number }).status, 400);
    const notObject = await call({ method: 'POST', url: '/monitoring/jolokia', body: '42' });
    assert.equal((notObject.json as { status: number }).status, 400);
    const badParam = await call({ url: '/monitoring/jolokia/version?maxDepth=-3' });
    assert.equal((badParam.json as { status: number }).status, 400);
    const badEncoding = await call({ url: '/monitoring/jolokia/read/%E0%A4%A' });
    assert.equal((badEncoding.json as { status: number }).status, 400);
    const { handlerWith } = setup();
    await assert.rejects(handlerWith(() => Promise.reject(new HttpError(413, 'TOO_LARGE', 'body too large'))), { status: 413 }, 'the connector answers an oversized body');
    const ignore = await call({ url: '/monitoring/jolokia/read/test:type=Counter,name=main?ignoreErrors=true' });
    const values = (ignore.json as { value: Record<string, unknown> }).value;
    assert.match(String(values.Broken), /^ERROR: .*sensor unplugged/);
  });

  it('lists MBeans with attribute and operation metadata, narrowed by path and maxDepth', async () => {
    const { post } = setup();
    const all = (await post({ type: 'list' })).value as Record<string, Record<string, { attr: Record<string, { type: string; rw: boolean }>; op: Record<string, unknown> }>>;
    const main = all.test['name=main,type=Counter'];
    assert.deepEqual(main.attr.Label, { type: 'java.lang.String', desc: 'Label', rw: true });
    assert.equal(main.attr.Count.rw, false);
    assert.ok(Array.isArray(main.op.add), 'overloaded operations are listed as an array');
    const one = (await post({ type: 'list', path: 'test/name=main,type=Counter/op/join' })).value as { args: { type: string }[]; ret: string };
    assert.deepEqual(one.args.map((a) => a.type), ['[Ljava.lang.String;', 'boolean']);
    assert.equal(one.ret, 'java.lang.String');
    const shallow = (await post({ type: 'list', config: { maxDepth: 1 } })).value;
    assert.deepEqual(shallow, { test: 1 });
  });

  it('refuses missing and wrong credentials with a bare 401', async () => {
    const { call } = setup();
    for (const auth of [null, 'Basic ' + Buffer.from('admin:wrong').toString('base64'), 'Basic ' + Buffer.from('root:s3cret').toString('base64'), 'Bearer abc', 'Basic !!!']) {
      const reply = await call({ url: '/monitoring/jolokia/version', auth });
      assert.equal(reply.status, 401, String(auth));
      assert.equal(reply.json, undefined);
      assert.equal(reply.body, '');
      assert.match(String(reply.headers?.['www-authenticate']), /^Basic realm=/);
    }
  });

  it('refuses a non-loopback client unless the restriction is off', async () => {
    const restricted = setup(true);
    const refused = await restricted.call({ url: '/monitoring/jolokia/version', remote: '192.0.2.7' });
    assert.equal(refused.status, 403);
    assert.equal((refused.json as { error_type: string }).error_type, 'java.lang.SecurityException');
    await waitFor('the refusal in the log', () => logs.some((l) => /192\.0\.2\.7 refused/.test(l)), 5_000);
    const unauthenticatedRemote = await restricted.call({ url: '/monitoring/jolokia/version', remote: '192.0.2.7', auth: null });
    assert.equal(unauthenticatedRemote.status, 403, 'a remote client learns nothing about credentials');
    for (const remote of ['127.0.8.9', '::1', '::ffff:127.0.0.1']) {
      assert.equal((await restricted.call({ url: '/monitoring/jolokia/version', remote })).status ?? 200, 200, remote);
    }
    const open = setup(false);
    assert.equal((await open.call({ url: '/monitoring/jolokia/version', remote: '192.0.2.7' })).status ?? 200, 200);
  });

  it('tells loopback addresses from others', () => {
    for (const a of ['127.0.0.1', '127.0.8.11', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.8.1']) assert.equal(isLocalAddress(a), true, a);
    for (const a of ['192.0.2.2', '10.0.0.1', '128.0.0.1', '::2', 'fd00::2', '::ffff:192.0.2.2', '', undefined, 'localhost']) assert.equal(isLocalAddress(a), false, String(a));
  });
});
