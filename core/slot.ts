import type { Logger } from 'winston';
import { type Bundle, BundleState, type ConfigSchema, type NodeInfo } from './bundle.js';
import type { LoadedBundle } from './bundleLoader.js';
import type { ConfigEntry } from './config/configFiles.js';
import type { ConfigFolder } from './config/configFolder.js';
import type { Context } from './context.js';
import type { KernelEvents } from './events.js';
import type { LiveConfig } from './liveConfig.js';
import type { ServiceRegistry } from './serviceRegistry.js';

/** One loaded bundle and where it stands. */
export interface Slot {
  loaded: LoadedBundle;
  state: BundleState;
  reason?: string;
  config?: LiveConfig<ConfigSchema>;
  context?: Context;
  /** Stopped by hand: not started again when its providers come back. */
  stoppedByOperator: boolean;
  /** Stopped or left unstarted because a provider went away: started again when they are back. */
  waitingForProviders: boolean;
}

/** The kernel's state shared by its life-cycle and configuration parts. */
export interface KernelCore {
  readonly slots: ReadonlyMap<string, Slot>;
  readonly registry: ServiceRegistry;
  readonly events: KernelEvents;
  readonly logger: Logger;
  readonly node: NodeInfo;
  readonly folder: ConfigFolder;
  /** Bundles in dependency order (as resolved at boot). */
  readonly startOrder: readonly Bundle[];
  /** ACTIVE bundles in the order they started: stopped in reverse. */
  readonly started: Slot[];
  /** The folder's properties, `--set` and live changes, as a bundle starting now would see them. */
  values(): ReadonlyMap<string, ConfigEntry>;
  /** A kernel property's value in effect. */
  kernelSetting(key: string): unknown;
  /** Applies a reloadable kernel property (the log level) on the running node. */
  applyKernelSetting(key: string, value: unknown): void;
}

export function setState(events: KernelEvents, slot: Slot, to: BundleState, reason?: string): void {
  const from = slot.state;
  slot.state = to;
  slot.reason = reason;
  if (from !== to) events.emit('bundleStateChanged', { bundle: slot.loaded.bundle.name, from, to, reason });
}
