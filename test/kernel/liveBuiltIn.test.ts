import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { HTTP_ROUTES, HTTP_SERVICE } from '../../bundles/http/api.js';
import { defineBundle } from '../../core/bundle.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

// This file's own loopback address (127.0.17.x is the kernel's range).
const HOST = '127.0.17.1';

let running: TestKernel | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function hello(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://${HOST}:8009/hello`);
  return { status: res.status, body: await res.json() };
}

describe('the built-in http bundle restarted on a running kernel', () => {
  it('stops the bundle that routes through it first, and brings it back on its new connector', async () => {
    let starts = 0;
    const page = defineBundle({
      name: 'page', version: '1', deps: { http: HTTP_SERVICE },
      start(_services, ctx) {
        starts += 1;
        const run = starts;
        ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/hello', handler: () => ({ json: { run } }) });
      },
    });
    running = await startTestKernel({ bundles: ['http', page], config: { 'com.openexchange.connector.networkListenerHost': HOST } });
    assert.deepEqual(await hello(), { status: 200, body: { run: 1 } });

    assert.deepEqual(await running.kernel.stopBundle('http'), { stopped: ['page', 'http'], started: [] });
    await assert.rejects(hello(), /fetch failed/);

    assert.deepEqual(await running.kernel.startBundle('http'), { stopped: [], started: ['http', 'page'] });
    assert.deepEqual(await hello(), { status: 200, body: { run: 2 } });
    const health = (await (await fetch(`http://${HOST}:8009/health`)).json()) as { bundles: Record<string, string> };
    assert.deepEqual(health.bundles, { http: 'ACTIVE', page: 'ACTIVE' });
  });
});
