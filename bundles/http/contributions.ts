import type { BundleContext } from '../../core/bundle.js';
import type { Contribution, ContributionsView } from '../../core/extensionPoint.js';
import type { KernelService } from '../../core/kernelService.js';
import { HEALTH_SECTIONS, HEALTH_TRUST, HTTP_ROUTES } from './api.js';
import type { HttpConnector } from './connector.js';

/** Calls `add` for every contribution now and later; the function it returned runs when the contribution is withdrawn. */
function follow<T>(ctx: BundleContext, view: ContributionsView<T>, add: (c: Contribution<T>) => () => void): void {
  const undo = new Map<Contribution<T>, () => void>();
  const added = (c: Contribution<T>) => {
    try {
      undo.set(c, add(c));
    } catch (err) {
      ctx.logger.error(`bundle ${c.bundle}: ${(err as Error).message}`);
    }
  };
  view.subscribe({ added, removed: (c) => { undo.get(c)?.(); undo.delete(c); } });
  for (const c of view.current()) added(c);
}

/**
 * Puts the routes, `/health` sections and health trust checks bundles contribute into the
 * connector, and takes them out when they are withdrawn. Routes of a bundle that begins to stop
 * answer 503 at once, so a request never reaches services its `stop` is closing.
 */
export function followContributions(ctx: BundleContext, kernel: KernelService, connector: HttpConnector): void {
  follow(ctx, ctx.contributions(HTTP_ROUTES), ({ bundle, item }) => connector.route(item.method, item.path, item.handler, item.options, bundle));
  follow(ctx, ctx.contributions(HEALTH_SECTIONS), ({ item }) => connector.addHealthSection(item.name, item.section));
  follow(ctx, ctx.contributions(HEALTH_TRUST), ({ item }) => connector.trustHealthCaller(item));
  const onState = ({ bundle, to }: { bundle: string; to: string }) => connector.bundleActive(bundle, to === 'ACTIVE' || to === 'STARTING');
  kernel.events.on('bundleStateChanged', onState);
  ctx.onStop(() => kernel.events.off('bundleStateChanged', onState));
}
