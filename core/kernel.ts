import type { Logger } from 'winston';
import { type Bundle, BundleState, type NodeInfo } from './bundle.js';
import { type LoadedBundle, loadBuiltInBundles, loadCustomBundles } from './bundleLoader.js';
import { BundleRunner, checkBundleConfig } from './bundleRunner.js';
import { ConfigAdmin } from './configAdmin.js';
import { resolveBundleConfig } from './config/bundleConfig.js';
import type { ConfigEntry } from './config/configFiles.js';
import { ConfigFolder, where } from './config/configFolder.js';
import { bundleNamespaces, duplicateKeys, keyOwners, unknownKeys } from './config/configRules.js';
import { optionalTokens, requiredTokens } from './dependencies.js';
import { KernelEvents } from './events.js';
import { ENABLED_KEY, kernelSchema } from './kernelConfig.js';
import { type BundleInfo, type ConfigUpdateReport, KERNEL_SERVICE, type KernelService, type LifecycleResult } from './kernelService.js';
import { Lifecycle } from './lifecycle.js';
import { LiveConfig } from './liveConfig.js';
import { createRootLogger } from './logger.js';
import { resolve } from './resolver.js';
import { ServiceRegistry } from './serviceRegistry.js';
import { type KernelCore, setState, type Slot } from './slot.js';

export interface KernelOptions {
  configDir: string;
  /** `--set key=value` overrides, in command-line order. */
  overrides?: [string, string][];
  logger?: Logger;
  /** Bundles to run instead of the built-in ones (the in-process test harness); custom bundles still load. */
  bundles?: LoadedBundle[];
}

/** Loads, validates, resolves, starts and stops the bundles of one node, and changes them while it runs. */
export class Kernel implements KernelService, KernelCore {
  readonly events = new KernelEvents();
  /** Services and contributions, in an inversify container. */
  readonly registry = new ServiceRegistry(this.events, () => this.logger);
  /** Configuration errors (`file:line key: reason`): start-up is refused while there are any. */
  readonly problems: string[] = [];
  /** Things worth a warning that do not stop the node (unknown bundle names or keys, unloadable folders). */
  readonly warnings: string[] = [];
  logger!: Logger;
  node!: NodeInfo;
  folder!: ConfigFolder;
  readonly slots = new Map<string, Slot>();
  readonly started: Slot[] = [];
  startOrder: Bundle[] = [];
  /** Properties changed with `setConfig` since the folder was last read. */
  private readonly liveOverrides = new Map<string, ConfigEntry>();
  private owners = new Map<string, Bundle[]>();
  private readonly runner = new BundleRunner(this);
  private readonly lifecycle = new Lifecycle(this, this.runner);
  private readonly configAdmin = new ConfigAdmin(this, this.lifecycle, (key) => this.owners.get(key)?.[0]);

  constructor(private readonly options: KernelOptions) {
    this.registry.register<KernelService>('kernel', KERNEL_SERVICE, this);
  }

  values(): ReadonlyMap<string, ConfigEntry> {
    return this.liveOverrides.size ? new Map([...this.folder.values, ...this.liveOverrides]) : this.folder.values;
  }

  kernelSetting(key: string): unknown {
    // The log level may have been changed live: the logger says what is in effect.
    return key === 'kernel.log.level' ? this.logger.level : resolveBundleConfig(kernelSchema, this.values()).config.get(key as keyof typeof kernelSchema);
  }

  applyKernelSetting(key: string, value: unknown): void {
    if (key === 'kernel.log.level') this.logger.level = String(value);
  }

  /** Reads the config folder, loads built-in and custom bundles, validates every enabled bundle's config. */
  async load(): Promise<void> {
    try {
      this.folder = this.readFolder();
    } catch (err) {
      // A missing config folder is a problem (start-up is refused), not a crash.
      this.problems.push((err as Error).message);
      this.folder = new ConfigFolder(this.options.configDir, []);
    }
    this.problems.push(...this.folder.problems);
    const own = resolveBundleConfig(kernelSchema, this.folder.values);
    this.problems.push(...own.problems.map((p) => p.message));
    const route = own.problems.length ? 'OX0' : own.config.get('com.openexchange.server.backendRoute');
    this.node = { configDir: this.options.configDir, route, startedAt: Date.now() };
    this.logger = this.options.logger ?? createRootLogger(route, own.problems.length ? undefined : own.config.get('kernel.log.level'));

    const builtIn = this.options.bundles ? { bundles: this.options.bundles, errors: [] } : await loadBuiltInBundles();
    const custom = await loadCustomBundles(own.config.get('kernel.bundles.path'), this.options.configDir);
    this.warnings.push(...builtIn.errors, ...custom.errors);
    for (const loaded of [...builtIn.bundles, ...custom.bundles]) {
      const existing = this.slots.get(loaded.bundle.name);
      if (existing) {
        this.warnings.push(`bundle name "${loaded.bundle.name}" is defined twice (${existing.loaded.source} and ${loaded.source}); ignoring the one from ${loaded.source}`);
        continue;
      }
      this.slots.set(loaded.bundle.name, { loaded, state: BundleState.INSTALLED, stoppedByOperator: false, waitingForProviders: false });
    }
    this.folder = this.folder.withPerFileKeys(this.perFileKeys());
    this.applyEnabledSwitches();
    this.checkConfiguration();
    this.resolveOrder();
  }

  private readFolder(): ConfigFolder {
    return ConfigFolder.load(this.options.configDir).withOverrides(this.options.overrides ?? []).withPerFileKeys(this.perFileKeys());
  }

  private perFileKeys(): string[] {
    return [...this.slots.values()].flatMap((s) => s.loaded.bundle.perFileKeys ?? []);
  }

  private enabledBundles(): Bundle[] {
    return [...this.slots.values()].filter((s) => s.state !== BundleState.DISABLED).map((s) => s.loaded.bundle);
  }

  /** What `oxk config check` reports and start refuses on: schemas, validate hooks, files, key ownership. */
  private checkConfiguration(): void {
    const notes = new Set<string>();
    for (const slot of this.slots.values()) {
      if (slot.state === BundleState.DISABLED) continue;
      const checked = checkBundleConfig(slot.loaded.bundle, this.folder.values);
      slot.config = new LiveConfig(checked.config);
      this.problems.push(...checked.problems);
      for (const note of checked.notes) notes.add(note);
      this.checkFiles(slot.loaded.bundle);
    }
    for (const note of notes) this.logger.info(note);
    const enabled = this.enabledBundles();
    this.owners = keyOwners([...this.slots.values()].map((s) => s.loaded.bundle));
    const duplicates = duplicateKeys(keyOwners(enabled));
    this.problems.push(...duplicates.problems);
    this.warnings.push(...duplicates.warnings, ...this.unknownKeys(this.folder.values));
    // Bundles may share a key (e.g. sessionLongLifeTime): say each problem once.
    this.problems.splice(0, this.problems.length, ...new Set(this.problems));
  }

  /** Misspelled keys under the kernel's `kernel.` or an enabled bundle's namespaces (switches are checked on their own). */
  private unknownKeys(values: ReadonlyMap<string, ConfigEntry>): string[] {
    const known = new Set([...this.owners.keys(), ...Object.keys(kernelSchema), ...[...values.keys()].filter((k) => ENABLED_KEY.test(k))]);
    const namespaces = [{ prefix: 'kernel.', owner: 'the kernel' }, ...bundleNamespaces(this.enabledBundles())];
    return unknownKeys(namespaces, known, values);
  }

  private checkFiles(bundle: Bundle): void {
    if (!bundle.checkFiles) return;
    try {
      const { problems = [], warnings = [] } = bundle.checkFiles(this.folder);
      this.problems.push(...problems);
      this.warnings.push(...warnings);
    } catch (err) {
      this.problems.push(`${bundle.name}: ${(err as Error).message}`);
    }
  }

  private applyEnabledSwitches(): void {
    for (const [key, entry] of this.folder.values) {
      const m = ENABLED_KEY.exec(key);
      if (!m) continue;
      const slot = this.slots.get(m[1]);
      if (!slot) {
        this.warnings.push(`${where(entry)} ${key}: there is no bundle named "${m[1]}" (known: ${[...this.slots.keys()].join(', ')})`);
        continue;
      }
      const value = entry.value.trim().toLowerCase();
      if (value !== 'true' && value !== 'false') this.problems.push(`${where(entry)} ${key}: must be true or false (value "${entry.value}")`);
      else if (value === 'false') setState(this.events, slot, BundleState.DISABLED, `switched off by ${key}`);
    }
    for (const slot of this.slots.values()) {
      const switched = this.folder.values.has(`kernel.bundles.${slot.loaded.bundle.name}.enabled`);
      if (switched) continue;
      const byProperty = this.propertySwitch(slot.loaded.bundle);
      if (byProperty) setState(this.events, slot, BundleState.DISABLED, byProperty);
      else if (slot.loaded.bundle.enabledByDefault === false) setState(this.events, slot, BundleState.DISABLED, 'disabled by default');
    }
  }

  /** Why `enabledBy` switches the bundle off (its property is false, set or by default), else undefined. */
  private propertySwitch(bundle: Bundle): string | undefined {
    const key = bundle.enabledBy;
    if (!key) return undefined;
    const entry = this.folder.values.get(key);
    const declared = [...this.slots.values()].map((s) => s.loaded.bundle.config?.[key]).find((spec) => spec !== undefined);
    const value = entry ? entry.value.trim().toLowerCase() : String(declared?.default ?? true);
    if (value !== 'false') return undefined;
    return entry ? `switched off by ${key}=false (${where(entry)})` : `switched off by ${key} (false by default)`;
  }

  private resolveOrder(): void {
    const disabled = new Set([...this.slots.values()].filter((s) => s.state === BundleState.DISABLED).map((s) => s.loaded.bundle.name));
    const { order, unresolved } = resolve([...this.slots.values()].map((s) => s.loaded.bundle), disabled);
    for (const [name, reason] of unresolved) setState(this.events, this.slots.get(name)!, BundleState.UNRESOLVED, reason);
    for (const b of order) setState(this.events, this.slots.get(b.name)!, BundleState.RESOLVED);
    this.startOrder = order;
  }

  /** Starts resolved bundles in dependency order; a failing bundle takes down only what requires it. */
  async start(): Promise<void> {
    for (const w of this.warnings) this.logger.warn(w);
    for (const slot of this.slots.values()) {
      if (slot.state === BundleState.UNRESOLVED) this.logger.warn(`bundle ${slot.loaded.bundle.name} is UNRESOLVED: ${slot.reason}`);
    }
    await this.lifecycle.serialize(async () => {
      for (const bundle of this.startOrder) {
        const slot = this.slots.get(bundle.name)!;
        const lost = requiredTokens(bundle).find((t) => !this.registry.has(t.key));
        if (lost) {
          setState(this.events, slot, BundleState.UNRESOLVED, `required service "${lost.name}" is unavailable (its provider did not start)`);
          slot.waitingForProviders = true;
          this.logger.warn(`bundle ${bundle.name} is UNRESOLVED: ${slot.reason}`);
          continue;
        }
        await this.runner.start(slot);
      }
    });
    this.events.emit('started');
  }

  /** Stops started bundles in reverse start order, each within its deadline. */
  async stop(): Promise<void> {
    this.events.emit('stopping');
    await this.lifecycle.stopAll();
  }

  stopBundle(name: string): Promise<LifecycleResult> {
    return this.lifecycle.stopBundle(name);
  }

  startBundle(name: string): Promise<LifecycleResult> {
    return this.lifecycle.startBundle(name);
  }

  restartBundle(name: string): Promise<LifecycleResult> {
    return this.lifecycle.restartBundle(name);
  }

  setConfig(key: string, value: string, options: { restart?: boolean } = {}): Promise<ConfigUpdateReport> {
    return this.lifecycle.serialize(() => this.configAdmin.setConfig(key, value, options.restart ?? false, (entry) => this.liveOverrides.set(key, entry)));
  }

  /** Reads the config folder again (live `setConfig` changes give way to the files) and applies what changed. */
  reloadConfig(options: { restart?: boolean } = {}): Promise<ConfigUpdateReport> {
    return this.lifecycle.serialize(async () => {
      const previous = this.values();
      const folder = this.readFolder();
      // A file that no longer parses must not reset its keys to their defaults on a live node.
      if (folder.problems.length > 0) throw new Error(`config reload refused:\n${folder.problems.join('\n')}`);
      this.folder = folder;
      this.liveOverrides.clear();
      for (const w of this.unknownKeys(this.folder.values)) this.logger.warn(w);
      const report = await this.configAdmin.reload(this.folder.values, previous, options.restart ?? false);
      await this.configAdmin.reloadFiles(this.folder, report);
      return report;
    });
  }

  bundles(): BundleInfo[] {
    return [...this.slots.values()].map((s) => ({
      name: s.loaded.bundle.name,
      version: s.loaded.bundle.version,
      state: s.state,
      reason: s.reason,
      stoppedByOperator: s.stoppedByOperator,
      builtIn: s.loaded.builtIn,
      source: s.loaded.source,
      requires: requiredTokens(s.loaded.bundle).map((t) => t.name),
      optionalRequires: optionalTokens(s.loaded.bundle).map((t) => t.name),
      provides: (s.loaded.bundle.provides ?? []).map((t) => t.name),
      extensionPoints: (s.loaded.bundle.extensionPoints ?? []).map((p) => p.id),
    }));
  }

  /** Manifests of every loaded bundle (for CLI contributions). */
  manifests(): Bundle[] {
    return [...this.slots.values()].map((s) => s.loaded.bundle);
  }
}
