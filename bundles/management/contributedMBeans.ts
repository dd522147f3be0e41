import type { BundleContext } from '../../core/bundle.js';
import type { Contribution } from '../../core/extensionPoint.js';
import { type MBeanContribution, MBEANS } from './api.js';
import type { DefaultMBeanServer } from './server/mbeanServer.js';
import { MBeanSet } from './server/mbeanSet.js';

/**
 * Registers the MBeans bundles contribute and unregisters them when the contribution is withdrawn
 * (the bundle stopped). A changing set is brought up to date before every lookup; one that fails
 * is logged once per distinct reason and shows no MBeans until it works again.
 */
export function followMBeans(ctx: BundleContext, server: DefaultMBeanServer): void {
  const undo = new Map<Contribution<MBeanContribution>, () => void>();
  const add = (c: Contribution<MBeanContribution>) => {
    try {
      undo.set(c, register(ctx, server, c));
    } catch (err) {
      ctx.logger.error(`bundle ${c.bundle}: MBean not registered: ${(err as Error).message}`);
    }
  };
  const view = ctx.contributions(MBEANS);
  view.subscribe({ added: add, removed: (c) => { undo.get(c)?.(); undo.delete(c); } });
  for (const c of view.current()) add(c);
}

function register(ctx: BundleContext, server: DefaultMBeanServer, { bundle, item }: Contribution<MBeanContribution>): () => void {
  if ('objectName' in item) {
    server.register(item.objectName, item.mbean);
    return () => {
      if (server.isRegistered(item.objectName)) server.unregister(item.objectName);
    };
  }
  const set = new MBeanSet(server);
  let failure = '';
  const stopRefreshing = server.addRefresher(() => {
    try {
      set.sync(item.mbeans());
      failure = '';
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (why !== failure) ctx.logger.warn(`MBeans of bundle ${bundle} not available: ${why}`);
      failure = why;
      set.clear();
    }
  });
  return () => {
    stopRefreshing();
    set.clear();
  };
}
