import type { Command } from 'commander';
import type { Logger } from 'winston';
import type { ConfigFiles } from './config/configFiles.js';
import type { KernelEvents } from './events.js';
import type { ServiceToken } from './serviceToken.js';

/** OSGi-style life-cycle states. */
export const BundleState = {
  INSTALLED: 'INSTALLED',
  RESOLVED: 'RESOLVED',
  UNRESOLVED: 'UNRESOLVED',
  STARTING: 'STARTING',
  ACTIVE: 'ACTIVE',
  STOPPING: 'STOPPING',
  DISABLED: 'DISABLED',
  FAILED: 'FAILED',
} as const;
export type BundleState = (typeof BundleState)[keyof typeof BundleState];

/** Formats a value may have: convict built-ins plus `duration` (120s, 5m, 1W or ms) and `route`. */
export type PropertyFormat =
  | 'String' | 'Number' | 'Boolean' | 'Array'
  | 'int' | 'nat' | 'port' | 'duration' | 'route'
  | readonly (string | number | boolean)[]
  | ((value: unknown) => void);

/** One property of a bundle's schema, keyed by its full dotted name. */
export interface PropertySpec<T = unknown> {
  doc: string;
  format: PropertyFormat;
  default: T;
  /** Later, equivalent names of the same property (e.g. OX's renamed keys). */
  aliases?: string[];
  /** Never logged or printed. */
  sensitive?: boolean;
}

export type ConfigSchema = Record<string, PropertySpec>;
export type ConfigValues<S extends ConfigSchema> = { [K in keyof S]: S[K]['default'] };

/** The typed, validated view of a bundle's own properties. */
export interface BundleConfig<S extends ConfigSchema> {
  get<K extends keyof S & string>(key: K): ConfigValues<S>[K];
  /** Where a key's value came from, e.g. `config/hazelcast.properties:12`, `--set` or `default`. */
  origin(key: keyof S & string): string;
}

/** Facts about this node that every bundle may read. */
export interface NodeInfo {
  readonly configDir: string;
  /** `com.openexchange.server.backendRoute`. */
  readonly route: string;
  readonly startedAt: number;
}

export interface BundleContext<S extends ConfigSchema = ConfigSchema> {
  readonly name: string;
  readonly node: NodeInfo;
  readonly logger: Logger;
  readonly config: BundleConfig<S>;
  /** Raw per-file tables of the config folder (`hazelcast/*.properties`, `cache.ccf`, ...). */
  readonly files: ConfigFiles;
  readonly events: KernelEvents;
  /** A declared required service; throws when it was not declared in `requires`. */
  get<T>(token: ServiceToken<T>): T;
  /** A declared optional service, or undefined when no active bundle provides it. */
  getOptional<T>(token: ServiceToken<T>): T | undefined;
  /** Publishes a service declared in `provides`. */
  register<T>(token: ServiceToken<T>, service: T): void;
  /** Runs after `stop`, last registered first: the place to close sockets and timers. */
  onStop(cleanup: () => unknown): void;
}

export interface BundleManifest<S extends ConfigSchema = ConfigSchema> {
  name: string;
  version: string;
  description?: string;
  requires?: ServiceToken<unknown>[];
  optionalRequires?: ServiceToken<unknown>[];
  provides?: ServiceToken<unknown>[];
  /** The bundle's properties (full dotted names), validated by convict. */
  config?: S;
  /** Default for `kernel.bundles.<name>.enabled`; true when omitted. */
  enabledByDefault?: boolean;
  /** Deadlines for start and stop; defaults 30 s and 10 s. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /**
   * Validates the bundle's own files (e.g. `cache.ccf`) when the node loads, so `oxk config check`
   * reports them and start-up is refused on problems. Messages read `file:line what: reason`.
   */
  checkFiles?(files: ConfigFiles): { problems?: string[]; warnings?: string[] };
  /** CLI contributions: subcommands this bundle adds to `oxk`. */
  commands?: (program: Command) => void;
  start(ctx: BundleContext<S>): Promise<void> | void;
  stop?(ctx: BundleContext<S>): Promise<void> | void;
}

export type Bundle<S extends ConfigSchema = ConfigSchema> = Readonly<BundleManifest<S>>;

/** Declares a bundle; the identity function that gives the manifest its types. */
export function defineBundle<S extends ConfigSchema>(manifest: BundleManifest<S>): Bundle<S> {
  return Object.freeze({ ...manifest });
}

/** Declares a property with its type inferred from the default. */
export function property<T>(spec: PropertySpec<T>): PropertySpec<T> {
  return spec;
}
