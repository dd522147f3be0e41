import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { BundleState, defineBundle } from '../../core/bundle.js';
import { type Contribution, type ContributionsView, contribution, declaredContributions, extensionPoint } from '../../core/extensionPoint.js';
import { serviceToken } from '../../core/serviceToken.js';
import { customBundleFolder, esmPackage } from '../support/customBundles.js';
import { startTestKernel, type TestKernel } from '../support/testKernel.js';

interface Route { path: string }
const ROUTES = extensionPoint<Route>('test.points.routes');

let running: TestKernel | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
after(() => cleanups.forEach((c) => c()));

const paths = (view: ContributionsView<Route>) => view.current().map((c) => `${c.bundle}${c.item.path}`).sort();

describe('extension points', () => {
  it('gives the owner the current contributions and tells it of additions and withdrawals, also on stop', async () => {
    let view: ContributionsView<Route> | undefined;
    const events: string[] = [];
    const owner = defineBundle({
      name: 'router', version: '1', deps: {}, extensionPoints: [ROUTES],
      start(_, ctx) {
        view = ctx.contributions(ROUTES);
        view.subscribe({
          added: (c: Contribution<Route>) => events.push(`+${c.bundle}${c.item.path}`),
          removed: (c: Contribution<Route>) => events.push(`-${c.bundle}${c.item.path}`),
        });
      },
    });
    let withdrawLater: () => void = () => undefined;
    const pages = defineBundle({ name: 'pages', version: '1', deps: {}, start(_, ctx) { ctx.contribute(ROUTES, { path: '/a' }); ctx.contribute(ROUTES, { path: '/b' }); } });
    const flaky = defineBundle({ name: 'flaky', version: '1', deps: {}, start(_, ctx) { withdrawLater = ctx.contribute(ROUTES, { path: '/c' }); } });
    // The contributors start first: the owner sees what was added before it started.
    running = await startTestKernel({ bundles: [pages, flaky, owner] });
    assert.deepEqual(paths(view!), ['flaky/c', 'pages/a', 'pages/b']);

    withdrawLater();
    assert.deepEqual(events, ['-flaky/c']);
    await running.kernel.stopBundle('pages');
    assert.deepEqual(events, ['-flaky/c', '-pages/b', '-pages/a']);
    assert.deepEqual(paths(view!), []);
    await running.kernel.startBundle('pages');
    assert.deepEqual(events.slice(3), ['+pages/a', '+pages/b']);
    assert.deepEqual(paths(view!), ['pages/a', 'pages/b']);
  });

  it('drops the owner\'s listeners when the owner stops, and keeps contributions for its next start', async () => {
    const events: string[] = [];
    const owner = defineBundle({
      name: 'router', version: '1', deps: {}, extensionPoints: [ROUTES],
      start(_, ctx) { ctx.contributions(ROUTES).subscribe({ added: (c) => events.push(c.item.path) }); },
    });
    const pages = defineBundle({ name: 'pages', version: '1', deps: {}, start(_, ctx) { ctx.contribute(ROUTES, { path: '/a' }); } });
    running = await startTestKernel({ bundles: [owner, pages] });
    assert.deepEqual(events, ['/a']);
    await running.kernel.stopBundle('router');
    await running.kernel.restartBundle('pages');
    assert.deepEqual(events, ['/a']);
    assert.equal(running.kernel.registry.contributions(ROUTES).current().length, 1);
  });

  it('reads contributions declared in a manifest without starting it, and adds them only while it is ACTIVE', async () => {
    const declared = defineBundle({ name: 'declared', version: '1', deps: {}, contributes: [contribution(ROUTES, { path: '/static' })], start() {} });
    const plain = defineBundle({ name: 'plain', version: '1', deps: {}, start() {} });
    assert.deepEqual(declaredContributions([declared, plain], ROUTES), [{ bundle: 'declared', item: { path: '/static' } }]);
    running = await startTestKernel({ bundles: [declared, plain] });
    const view = running.kernel.registry.contributions(ROUTES);
    assert.deepEqual(paths(view), ['declared/static']);
    await running.kernel.stopBundle('declared');
    assert.deepEqual(paths(view), []);
  });

  it('lets only the owner read a point', async () => {
    const nosy = defineBundle({ name: 'nosy', version: '1', deps: {}, start(_, ctx) { ctx.contributions(ROUTES); } });
    running = await startTestKernel({ bundles: [nosy] });
    const info = running.kernel.bundles().find((b) => b.name === 'nosy')!;
    assert.equal(info.state, BundleState.FAILED);
    assert.match(info.reason ?? '', /bundle "nosy" read extension point "test\.points\.routes" without declaring it in extensionPoints/);
  });

  it('a custom bundle on kernel.bundles.path defines a point another custom bundle contributes to', async () => {
    const folder = customBundleFolder({
      bundles: {
        'notice-board': {
          packageJson: esmPackage('notice-board'),
          files: {
            'api.js': "import { extensionPoint, serviceToken } from 'oxkernel/sdk';\nexport const NOTICES = extensionPoint('custom.notices');\nexport const BOARD = serviceToken('custom.board');\n",
            'index.js': [
              "import { defineBundle } from 'oxkernel/sdk';",
              "import { BOARD, NOTICES } from './api.js';",
              "export default defineBundle({ name: 'notice-board', version: '1.0.0', deps: {}, provides: [BOARD], extensionPoints: [NOTICES],",
              '  start(_, ctx) { const view = ctx.contributions(NOTICES); ctx.register(BOARD, { list: () => view.current().map((c) => `${c.bundle}: ${c.item}`) }); } });',
            ].join('\n'),
          },
        },
        'notice-writer': {
          packageJson: esmPackage('notice-writer'),
          files: {
            'index.js': [
              "import { defineBundle, extensionPoint } from 'oxkernel/sdk';",
              "const NOTICES = extensionPoint('custom.notices');",
              "export default defineBundle({ name: 'notice-writer', version: '1.0.0', deps: {}, start(_, ctx) { ctx.contribute(NOTICES, 'lunch at noon'); } });",
            ].join('\n'),
          },
        },
      },
    });
    cleanups.push(folder.remove);
    running = await startTestKernel({ bundles: [], config: { 'kernel.bundles.path': folder.dir } });
    const board = running.kernel.registry.get<{ list(): string[] }>(serviceToken('custom.board').key);
    assert.deepEqual(board?.list(), ['notice-writer: lunch at noon']);
    await running.kernel.stopBundle('notice-writer');
    assert.deepEqual(board?.list(), []);
  });
});
