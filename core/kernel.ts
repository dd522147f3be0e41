import 'reflect-metadata';
import { Container } from 'inversify';
import type { Logger } from 'winston';
import { type Bundle, type BundleConfig, BundleState, type ConfigSchema, type NodeInfo } from './bundle.js';
import { type LoadedBundle, loadBuiltInBundles, loadCustomBundles } from './bundleLoader.js';
import { resolveBundleConfig } from './config/bundleConfig.js';
import { ConfigFolder, where } from './config/configFolder.js';
import { Context } from './context.js';
import { withDeadline } from './deadline.js';
import { KernelEvents } from './events.js';
import { ENABLED_KEY, kernelSchema } from './kernelConfig.js';
import { type BundleInfo, KERNEL_SERVICE, type KernelService } from './kernelService.js';
import { bundleLogger, createRootLogger } from './logger.js';
import { resolve } from './resolver.js';

export interface KernelOptions {
  configDir: string;
  /** `--set key=value` overrides, in command-line order. */
  overrides?: [string, string][];
  logger?: Logger;
}

interface Slot {
  loaded: LoadedBundle;
  state: BundleState;
  reason?: string;
  config?: BundleConfig<ConfigSchema>;
  context?: Context;
}

/** Loads, validates, resolves, starts and stops the bundles of one node. */
export class Kernel implements KernelService {
  readonly events = new KernelEvents();
  readonly container = new Container();
  /** Configuration errors (`file:line key: reason`): start-up is refused while there are any. */
  readonly problems: string[] = [];
  /** Things worth a warning that do not stop the node (unknown bundle names, unloadable folders). */
  readonly warnings: string[] = [];
  logger!: Logger;
  node!: NodeInfo;
  private folder!: ConfigFolder;
  private readonly slots = new Map<string, Slot>();
  private started: Slot[] = [];
  private startOrder: Bundle[] = [];

  constructor(private readonly options: KernelOptions) {
    this.container.bind<KernelService>(KERNEL_SERVICE.key).toConstantValue(this);
  }

  /** Reads the config folder, loads built-in and custom bundles, validates every enabled bundle's config. */
  async load(): Promise<void> {
    this.folder = this.loadFolder().withOverrides(this.options.overrides ?? []);
    this.problems.push(...this.folder.problems);
    const own = resolveBundleConfig(kernelSchema, this.folder.values);
    this.problems.push(...own.problems.map((p) => p.message));
    const route = own.problems.length ? 'OX0' : own.config.get('com.openexchange.server.backendRoute');
    this.node = { configDir: this.options.configDir, route, startedAt: Date.now() };
    this.logger = this.options.logger ?? createRootLogger(route);

    const builtIn = await loadBuiltInBundles();
    const custom = await loadCustomBundles(own.config.get('kernel.bundles.path'), this.options.configDir);
    this.warnings.push(...builtIn.errors, ...custom.errors);
    for (const loaded of [...builtIn.bundles, ...custom.bundles]) {
      const existing = this.slots.get(loaded.bundle.name);
      if (existing) {
        this.warnings.push(`bundle name "${loaded.bundle.name}" is defined twice (${existing.loaded.source} and ${loaded.source}); ignoring the one from ${loaded.source}`);
        continue;
      }
      this.slots.set(loaded.bundle.name, { loaded, state: BundleState.INSTALLED });
    }
    this.applyEnabledSwitches();
    const notes = new Set<string>();
    for (const slot of this.slots.values()) {
      if (slot.state === BundleState.DISABLED) continue;
      const resolved = resolveBundleConfig(slot.loaded.bundle.config ?? {}, this.folder.values);
      slot.config = resolved.config;
      this.problems.push(...resolved.problems.map((p) => p.message));
      for (const note of resolved.notes) notes.add(note);
      this.checkFiles(slot.loaded.bundle);
    }
    for (const note of notes) this.logger.info(note);
    // Bundles may share a key (e.g. sessionLongLifeTime): say each problem once.
    this.problems.splice(0, this.problems.length, ...new Set(this.problems));
    this.resolveOrder();
  }

  /** The config folder; a missing one is a problem (start-up is refused), not a crash. */
  private loadFolder(): ConfigFolder {
    try {
      return ConfigFolder.load(this.options.configDir);
    } catch (err) {
      this.problems.push((err as Error).message);
      return new ConfigFolder(this.options.configDir, []);
    }
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
      else if (value === 'false') this.setState(slot, BundleState.DISABLED, `switched off by ${key}`);
    }
    for (const slot of this.slots.values()) {
      const switched = this.folder.values.has(`kernel.bundles.${slot.loaded.bundle.name}.enabled`);
      if (!switched && slot.loaded.bundle.enabledByDefault === false) this.setState(slot, BundleState.DISABLED, 'disabled by default');
    }
  }

  private resolveOrder(): void {
    const disabled = new Set([...this.slots.values()].filter((s) => s.state === BundleState.DISABLED).map((s) => s.loaded.bundle.name));
    const { order, unresolved } = resolve([...this.slots.values()].map((s) => s.loaded.bundle), disabled);
    for (const [name, reason] of unresolved) this.setState(this.slots.get(name)!, BundleState.UNRESOLVED, reason);
    for (const b of order) this.setState(this.slots.get(b.name)!, BundleState.RESOLVED);
    this.startOrder = order;
  }

  private setState(slot: Slot, to: BundleState, reason?: string): void {
    const from = slot.state;
    slot.state = to;
    slot.reason = reason;
    if (from !== to) this.events.emit('bundleStateChanged', { bundle: slot.loaded.bundle.name, from, to, reason });
  }

  /** Starts resolved bundles in dependency order; a failing bundle takes down only what requires it. */
  async start(): Promise<void> {
    for (const w of this.warnings) this.logger.warn(w);
    for (const slot of this.slots.values()) {
      if (slot.state === BundleState.UNRESOLVED) this.logger.warn(`bundle ${slot.loaded.bundle.name} is UNRESOLVED: ${slot.reason}`);
    }
    for (const bundle of this.startOrder) {
      const slot = this.slots.get(bundle.name)!;
      const lost = (bundle.requires ?? []).find((t) => !this.container.isBound(t.key));
      if (lost) {
        this.setState(slot, BundleState.UNRESOLVED, `required service "${lost.name}" is unavailable (its provider did not start)`);
        this.logger.warn(`bundle ${bundle.name} is UNRESOLVED: ${slot.reason}`);
        continue;
      }
      await this.startOne(slot);
    }
    this.events.emit('started');
  }

  private async startOne(slot: Slot): Promise<void> {
    const bundle = slot.loaded.bundle;
    const log = bundleLogger(this.logger, bundle.name);
    const ctx = new Context(bundle, this.container, this.node, log, slot.config!, this.folder, this.events);
    slot.context = ctx;
    this.setState(slot, BundleState.STARTING);
    this.logger.info(`starting bundle ${bundle.name} ${bundle.version}`);
    const timeout = bundle.startTimeoutMs ?? 30_000;
    try {
      await withDeadline(bundle.start(ctx), timeout, `start() did not return within ${timeout} ms`);
      this.setState(slot, BundleState.ACTIVE);
      this.started.push(slot);
    } catch (err) {
      const reason = (err as Error).message;
      this.setState(slot, BundleState.FAILED, reason);
      this.logger.error(`bundle ${bundle.name} FAILED to start: ${reason}`);
      await this.runCleanups(slot, ctx);
    }
  }

  /** Stops started bundles in reverse order, each within its deadline. */
  async stop(): Promise<void> {
    this.events.emit('stopping');
    for (const slot of this.started.reverse()) {
      const bundle = slot.loaded.bundle;
      this.setState(slot, BundleState.STOPPING);
      this.logger.info(`stopping bundle ${bundle.name}`);
      const timeout = bundle.stopTimeoutMs ?? 10_000;
      try {
        if (bundle.stop) await withDeadline(bundle.stop(slot.context!), timeout, `stop() did not return within ${timeout} ms`);
      } catch (err) {
        this.logger.error(`bundle ${bundle.name} did not stop cleanly: ${(err as Error).message}`);
      }
      await this.runCleanups(slot, slot.context!);
      this.setState(slot, BundleState.RESOLVED);
    }
    this.started = [];
  }

  private async runCleanups(slot: Slot, ctx: Context): Promise<void> {
    const timeout = slot.loaded.bundle.stopTimeoutMs ?? 10_000;
    for (const cleanup of ctx.cleanups.splice(0).reverse()) {
      try {
        await withDeadline(cleanup(), timeout, `a cleanup did not finish within ${timeout} ms`);
      } catch (err) {
        this.logger.error(`bundle ${slot.loaded.bundle.name}: ${(err as Error).message}`);
      }
    }
    ctx.unregisterAll();
  }

  bundles(): BundleInfo[] {
    return [...this.slots.values()].map((s) => ({
      name: s.loaded.bundle.name,
      version: s.loaded.bundle.version,
      state: s.state,
      reason: s.reason,
      builtIn: s.loaded.builtIn,
      requires: (s.loaded.bundle.requires ?? []).map((t) => t.name),
      optionalRequires: (s.loaded.bundle.optionalRequires ?? []).map((t) => t.name),
      provides: (s.loaded.bundle.provides ?? []).map((t) => t.name),
    }));
  }

  /** Manifests of every loaded bundle (for CLI contributions). */
  manifests(): Bundle[] {
    return [...this.slots.values()].map((s) => s.loaded.bundle);
  }
}
