import type { BundleContext } from '../../core/bundle.js';
import type { managementConfig } from './config.js';

export interface ManagementCredentials {
  user: string;
  password: string;
  restrictToLocalhost: boolean;
}

/**
 * The credentials that open Jolokia and the web console, or why both stay off (a sentence naming
 * the properties to set; `deliberate` when switched off rather than left unconfigured).
 */
export function managementCredentials(ctx: BundleContext<typeof managementConfig>): ManagementCredentials | { off: string; deliberate: boolean } {
  if (!ctx.config.get('com.openexchange.jolokia.start')) {
    return { off: `com.openexchange.jolokia.start=false (${ctx.config.origin('com.openexchange.jolokia.start')})`, deliberate: true };
  }
  const user = ctx.config.get('com.openexchange.jolokia.user');
  const password = ctx.config.get('com.openexchange.jolokia.password');
  if (!user || !password) {
    return { off: 'com.openexchange.jolokia.user and com.openexchange.jolokia.password must both be set (config/management.properties)', deliberate: false };
  }
  return { user, password, restrictToLocalhost: ctx.config.get('com.openexchange.jolokia.restrict.to.localhost') };
}
