import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HTTP_ROUTES } from '../../bundles/http/api.js';
import { defineBundle } from '../../core/bundle.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';
import { waitFor } from '../support/waitFor.js';

// Own address: 127.0.18.50 (the connector).
const HOST = '127.0.18.50';

let running: TestKernel | undefined;
after(() => running?.stop());

describe('a route contributed by a bundle that stops', () => {
  it('answers 503 BUNDLE_STOPPED from the moment stop() begins, never reaching the stopping service, and works again after a start', async () => {
    let closed = false;
    let release: () => void = () => {};
    let stopping = false;
    const slow = defineBundle({
      name: 'slow', version: '1', deps: {}, stopTimeoutMs: 20_000,
      start(_services, ctx) {
        closed = false;
        ctx.contribute(HTTP_ROUTES, { method: 'GET', path: '/slow', handler: () => ({ json: { closed } }) });
      },
      async stop() {
        stopping = true;
        closed = true;
        await new Promise<void>((resolve) => { release = resolve; });
      },
    });
    running = await startTestKernel({ bundles: ['http', slow], config: { 'com.openexchange.connector.networkListenerHost': HOST } });
    const get = async () => {
      const res = await fetch(`http://${HOST}:8009/slow`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await get(), { status: 200, body: { closed: false } });

    const stopped = running.kernel.stopBundle('slow');
    await waitFor('stop() running', () => stopping);
    assert.deepEqual(await get(), { status: 503, body: { error: 'bundle "slow" is stopped: /slow is not available until it is started again', code: 'BUNDLE_STOPPED' } });
    release();
    await stopped;
    assert.equal((await get()).status, 503, 'withdrawn: the path still says the bundle stopped');

    await running.kernel.startBundle('slow');
    assert.deepEqual(await get(), { status: 200, body: { closed: false } });
  });
});
