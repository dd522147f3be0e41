import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../bundles/http/api.js';
import type { MBean } from '../../bundles/management/api.js';
import { PREVIEW_LIMIT, runAction } from '../../bundles/management/console/consoleActions.js';
import { DefaultMBeanServer } from '../../bundles/management/server/mbeanServer.js';
import { captureLogger } from '../support/captureLogger.js';

/** A map MBean whose entryView answers `value` for key "big" and not found otherwise. */
function mapWithEntry(value: string, cleared: string[]): MBean {
  return {
    attributes: [{ name: 'name', type: 'java.lang.String', get: () => 'orders' }],
    operations: [
      {
        name: 'entryView', params: [{ name: 'key', type: 'java.lang.String' }], returnType: 'java.util.Map',
        invoke: ([key]) => (key === 'big' ? { found: true, key, valuePreview: value, valueBytes: value.length, truncated: false } : { found: false }),
      },
      { name: 'clear', params: [], returnType: 'void', invoke: () => { cleared.push('orders'); } },
    ],
  };
}

async function refusal(run: Promise<unknown>): Promise<HttpError> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('console actions (in-process MBean server)', () => {
  const cleared: string[] = [];
  const server = new DefaultMBeanServer();
  const huge = 'x'.repeat(PREVIEW_LIMIT * 3);
  server.register('com.hazelcast:type=IMap,instance=T,name=orders', mapWithEntry(huge, cleared));
  const { logger, lines } = captureLogger();

  it('caps a huge value preview and marks it truncated; an unknown key is found:false', async () => {
    const view = await runAction(server, logger, 'admin', { action: 'map.entry', map: 'orders', key: 'big' }) as { valuePreview: string; truncated: boolean; valueBytes: number };
    assert.equal(view.valuePreview.length, PREVIEW_LIMIT);
    assert.equal(view.truncated, true);
    assert.equal(view.valueBytes, huge.length);
    assert.deepEqual(await runAction(server, logger, 'admin', { action: 'map.entry', map: 'orders', key: 'nope' }), { found: false });
    assert.deepEqual(lines, [], 'look-ups are not logged as operations');
  });

  it('clears only with the map\'s name typed, and logs who did it', async () => {
    const wrong = await refusal(runAction(server, logger, 'admin', { action: 'map.clear', map: 'orders', confirm: 'order' }));
    assert.equal(wrong.status, 400);
    assert.deepEqual(cleared, []);
    await runAction(server, logger, 'admin', { action: 'map.clear', map: 'orders', confirm: 'orders' });
    assert.deepEqual(cleared, ['orders']);
    assert.ok(lines.some((l) => l === 'info: console: admin cleared map orders'), lines.join('\n'));
  });

  it('answers 404 naming a target that is gone and 400 for a missing field', async () => {
    const gone = await refusal(runAction(server, logger, 'admin', { action: 'cache.clear', region: 'Context' }));
    assert.equal(gone.status, 404);
    assert.match(gone.message, /cache region Context does not exist/);
    const missing = await refusal(runAction(server, logger, 'admin', { action: 'map.entry', map: 'orders' }));
    assert.equal(missing.status, 400);
    assert.match(missing.message, /field key is missing/);
  });

  it('says an operation an older MBean lacks is not offered yet (501)', async () => {
    server.register('com.openexchange.sessiond:name=SessionD Toolkit', { attributes: [{ name: 'NumberOfShortTermSessions', type: 'int', get: () => 0 }] });
    const older = await refusal(runAction(server, logger, 'admin', { action: 'sessions.list', user: 'anton' }));
    assert.equal(older.status, 501);
    assert.match(older.message, /does not offer listUserSessions yet/);
  });
});
