import type { Logger } from 'winston';
import type { ConfigEntry, ConfigFiles } from './config/configFiles.js';
import type { KernelEvents } from './events.js';
import type { ContributionsView, DeclaredContribution, ExtensionPoint } from './extensionPoint.js';
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
  /** May change while the bundle runs (`kernel.setConfig`, `kernel.reloadConfig`); otherwise the bundle must restart. */
  reloadable?: boolean;
}

export type ConfigSchema = Record<string, PropertySpec>;

/**
 * Every property the node reads, as written (files, then `--set`), by key: for a rule that involves
 * another bundle's keys (read only; the owning bundle's schema gives a value its meaning and default).
 */
export type RawProperties = ReadonlyMap<string, ConfigEntry>;
export type ConfigValues<S extends ConfigSchema> = { [K in keyof S]: S[K]['default'] };

/** The typed, validated view of a bundle's own properties. */
export interface BundleConfig<S extends ConfigSchema> {
  get<K extends keyof S & string>(key: K): ConfigValues<S>[K];
  /** Where a key's value came from, e.g. `config/hazelcast.properties:12`, `--set` or `default`. */
  origin(key: keyof S & string): string;
}

/** One property changed on a running node. */
export interface ConfigChange {
  readonly key: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** A bundle's configuration as it runs: reloadable properties change under it. */
export interface LiveBundleConfig<S extends ConfigSchema> extends BundleConfig<S> {
  /** Called after reloadable properties changed (ConfigAdmin's `updated`); returns a function that stops it. */
  onChange(listener: (changes: readonly ConfigChange[]) => void): () => void;
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
  readonly config: LiveBundleConfig<S>;
  /** Raw per-file tables of the config folder (`hazelcast/*.properties`, `cache.ccf`, ...). */
  readonly files: ConfigFiles;
  readonly events: KernelEvents;
  /** A declared required service; throws when it was not declared in `requires` or `deps`. */
  get<T>(token: ServiceToken<T>): T;
  /** A declared optional service, or undefined when no active bundle provides it. */
  getOptional<T>(token: ServiceToken<T>): T | undefined;
  /**
   * Follows a declared optional service as its provider starts and stops: `listener` gets the
   * current service (or undefined) now and on every change. Returns a function that stops it.
   */
  track<T>(token: ServiceToken<T>, listener: (service: T | undefined) => void): () => void;
  /** Publishes a service declared in `provides`; withdrawn when the bundle stops. */
  register<T>(token: ServiceToken<T>, service: T): void;
  /** Adds `item` to an extension point; withdrawn when the bundle stops or the returned function is called. */
  contribute<T>(point: ExtensionPoint<T>, item: T): () => void;
  /** The contributions to a point this bundle declared in `extensionPoints`. */
  contributions<T>(point: ExtensionPoint<T>): ContributionsView<T>;
  /** Runs after `stop`, last registered first: the place to close sockets and timers. */
  onStop(cleanup: () => unknown): void;
  /**
   * Called when `oxk config reload` read the config folder again while the bundle runs: apply what
   * you can of your own files (`cache.ccf`); a throw refuses it (logged and reported, keep what you
   * had). Without a listener, file changes take effect when the bundle starts again.
   */
  onFilesReloaded(listener: (files: ConfigFiles) => Promise<void> | void): void;
}

/** The services a bundle depends on, by the names it gives them: `{ http: HTTP_SERVICE }`. */
export type DependencyMap = Record<string, ServiceToken<any>>;
type ServiceOf<Token> = Token extends ServiceToken<infer T> ? T : never;
/** What `start` receives: required services as their types, optional ones `T | undefined`. */
export type Services<D extends DependencyMap, O extends DependencyMap> =
  { readonly [K in keyof D]: ServiceOf<D[K]> } & { readonly [K in keyof O]: ServiceOf<O[K]> | undefined };

interface ManifestBase<S extends ConfigSchema> {
  name: string;
  version: string;
  description?: string;
  provides?: ServiceToken<unknown>[];
  /** Extension points this bundle owns (reads with `ctx.contributions`). */
  extensionPoints?: ExtensionPoint<unknown>[];
  /**
   * Items known without running code (`contribution(CLI_COMMANDS, ...)`): tools read them from the
   * manifest; the kernel adds them when the bundle starts and withdraws them when it stops.
   */
  contributes?: DeclaredContribution[];
  /** The bundle's properties (full dotted names), validated by convict. */
  config?: S;
  /** Key prefixes this bundle owns (`com.openexchange.hazelcast.`): unknown keys under them are warned about. */
  namespaces?: string[];
  /**
   * Key prefixes that describe one item per file (the grid's `com.openexchange.hazelcast.configuration.map.`
   * in `hazelcast/<map>.properties`): they stay out of the global namespace; the bundle reads them with `ctx.files`.
   */
  perFileKeys?: string[];
  /** Default for `kernel.bundles.<name>.enabled`; true when omitted. */
  enabledByDefault?: boolean;
  /**
   * A Boolean property (declared by any bundle) that switches this bundle on or off when
   * `kernel.bundles.<name>.enabled` is not set, e.g. OX's `com.openexchange.sessiond.redis.enabled`.
   */
  enabledBy?: string;
  /** Deadlines for start and stop; defaults 30 s and 10 s. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /**
   * Validates the bundle's own files (e.g. `cache.ccf`) when the node loads, so `oxk config check`
   * reports them and start-up is refused on problems. Messages read `file:line what: reason`.
   */
  checkFiles?(files: ConfigFiles): { problems?: string[]; warnings?: string[] };
  /**
   * Rules across keys, run by `oxk config check`, by start and before a live change is applied.
   * Returns problems, each `file:line key: reason` (`config.origin(key)` gives `file:line`).
   */
  validate?(config: BundleConfig<S>, raw: RawProperties): readonly string[] | void;
  /** Told of reloadable properties that changed while ACTIVE; a throw refuses the change (the old values stay). */
  updated?(changes: readonly ConfigChange[], ctx: BundleContext<S>): Promise<void> | void;
  stop?(ctx: BundleContext<S>): Promise<void> | void;
}

/** The first manifest form: tokens in lists, services fetched with `ctx.get`. */
export interface ListManifest<S extends ConfigSchema = ConfigSchema> extends ManifestBase<S> {
  requires?: ServiceToken<unknown>[];
  /** Taken at start: the bundle is stopped with their provider (use `optionalDeps` to follow them). */
  optionalRequires?: ServiceToken<unknown>[];
  deps?: undefined;
  optionalDeps?: undefined;
  staticOptionalDeps?: undefined;
  start(ctx: BundleContext<S>): Promise<void> | void;
}

/** The `deps` form (Backstage's `registerInit({ deps, init })`): services handed to `start` by name. */
export interface DepsManifest<S extends ConfigSchema = ConfigSchema, D extends DependencyMap = DependencyMap, O extends DependencyMap = DependencyMap>
  extends ManifestBase<S> {
  /** Required services; `{}` when there are none. */
  deps: D;
  /** Services used when present; they may come and go while the bundle runs (read them live or `ctx.track`). */
  optionalDeps?: O;
  /**
   * true: `optionalDeps` are taken once, at start (a transport built on the grid), so the bundle is
   * stopped with their provider and started again with it, like the list form's `optionalRequires`.
   */
  staticOptionalDeps?: boolean;
  requires?: undefined;
  optionalRequires?: undefined;
  start(services: Services<D, O>, ctx: BundleContext<S>): Promise<void> | void;
}

export type BundleManifest<S extends ConfigSchema = ConfigSchema> = ListManifest<S> | DepsManifest<S>;
export type Bundle<S extends ConfigSchema = ConfigSchema> = Readonly<BundleManifest<S>>;

/** Declares a bundle; the identity function that gives the manifest its types. */
export function defineBundle<S extends ConfigSchema, D extends DependencyMap, O extends DependencyMap = {}>(manifest: DepsManifest<S, D, O>): Bundle<S>;
export function defineBundle<S extends ConfigSchema>(manifest: ListManifest<S>): Bundle<S>;
export function defineBundle(manifest: BundleManifest): Bundle {
  return Object.freeze({ ...manifest });
}

/** Declares a property with its type inferred from the default. */
export function property<T>(spec: PropertySpec<T>): PropertySpec<T> {
  return spec;
}
