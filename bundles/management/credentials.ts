import { LRUCache } from 'lru-cache';
import type { Logger } from 'winston';
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

/** How often one client address's refused credentials are logged. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * Logs requests that carried wrong credentials (a browser's first request without any is not
 * logged): one line per client address and minute, with the count of the refusals held back, so a
 * password-guessing client is visible without flooding the log. Bounded in the addresses it tracks.
 */
export class RefusedCredentialsLog {
  private readonly recent = new LRUCache<string, { loggedAt: number; held: number }>({ max: 1024 });

  constructor(private readonly what: string, private readonly logger: Logger) {}

  refused(clientAddress: string, authorization: string | undefined): void {
    if (!authorization) return;
    const now = Date.now();
    const seen = this.recent.get(clientAddress);
    if (seen && now - seen.loggedAt < REFUSAL_LOG_INTERVAL_MS) {
      seen.held += 1;
      return;
    }
    const held = seen?.held ? ` (${seen.held} more since the last line)` : '';
    this.logger.warn(`${this.what}: wrong credentials from ${clientAddress}${held}; refused with 401`);
    this.recent.set(clientAddress, { loggedAt: now, held: 0 });
  }
}
