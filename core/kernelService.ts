import type { BundleState } from './bundle.js';
import type { KernelEvents } from './events.js';
import { serviceToken } from './serviceToken.js';

export interface BundleInfo {
  name: string;
  version: string;
  state: BundleState;
  /** Why the bundle is UNRESOLVED, FAILED, or RESOLVED after a stop. */
  reason?: string;
  /** Stopped by hand (`stopBundle`) and not started since: not running on purpose. */
  stoppedByOperator: boolean;
  builtIn: boolean;
  /** Where the bundle was loaded from: `bundles/<name>` for a built-in one, the folder of a custom one. */
  source: string;
  requires: string[];
  optionalRequires: string[];
  provides: string[];
  /** Extension points the bundle owns. */
  extensionPoints: string[];
}

/** What a life-cycle operation did, in the order it did it. */
export interface LifecycleResult {
  stopped: string[];
  started: string[];
}

/** What a live configuration change did. */
export interface ConfigUpdateReport {
  /** Changes handed to running bundles or recorded for stopped ones (sensitive values masked). */
  applied: { bundle: string; key: string; from: string; to: string }[];
  /** Changes not applied, each with why (the old value stays). */
  refused: { bundle: string; key: string; reason: string }[];
  /** Bundles restarted to take non-reloadable changes (only with `restart: true`). */
  restarted: string[];
}

/**
 * What the kernel itself offers every bundle (no need to declare it in `requires`). The operations
 * run one at a time: a bundle calls them from a request or timer, never from its own `start`,
 * `stop` or `updated` (that would wait for itself until the deadline).
 */
export interface KernelService {
  bundles(): BundleInfo[];
  readonly events: KernelEvents;
  /** Stops a bundle, and before it every ACTIVE bundle that requires its services (reverse dependency order). */
  stopBundle(name: string): Promise<LifecycleResult>;
  /** Starts a bundle (its configuration checked again), then the dependents stopped with it. */
  startBundle(name: string): Promise<LifecycleResult>;
  restartBundle(name: string): Promise<LifecycleResult>;
  /** Changes one property on the running node; `restart` restarts its bundle when the key is not reloadable. */
  setConfig(key: string, value: string, options?: { restart?: boolean }): Promise<ConfigUpdateReport>;
  /** Reads the config folder again and applies what changed, like `setConfig` for each key. */
  reloadConfig(options?: { restart?: boolean }): Promise<ConfigUpdateReport>;
}

export const KERNEL_SERVICE = serviceToken<KernelService>('kernel');
