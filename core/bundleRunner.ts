import type { Bundle, BundleConfig, ConfigSchema } from './bundle.js';
import { BundleState } from './bundle.js';
import { resolveBundleConfig } from './config/bundleConfig.js';
import type { ConfigEntry } from './config/configFiles.js';
import { runValidate } from './config/configRules.js';
import { Context } from './context.js';
import { withDeadline } from './deadline.js';
import { usesDeps } from './dependencies.js';
import { LiveConfig } from './liveConfig.js';
import { bundleLogger } from './logger.js';
import { type KernelCore, setState, type Slot } from './slot.js';

/** A bundle's properties checked against its schema and its `validate` hook. */
export function checkBundleConfig(bundle: Bundle, values: ReadonlyMap<string, ConfigEntry>): { config: BundleConfig<ConfigSchema>; problems: string[]; notes: string[] } {
  const resolved = resolveBundleConfig(bundle.config ?? {}, values);
  const problems = resolved.problems.map((p) => p.message);
  if (problems.length === 0) problems.push(...runValidate(bundle, resolved.config, values));
  return { config: resolved.config, problems, notes: resolved.notes };
}

/** The `deps` form's first argument: required services as values, optional ones read live. */
function servicesFor(bundle: Bundle, ctx: Context): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  if (!usesDeps(bundle)) return services;
  for (const [name, token] of Object.entries(bundle.deps ?? {})) services[name] = ctx.get(token);
  for (const [name, token] of Object.entries(bundle.optionalDeps ?? {})) {
    Object.defineProperty(services, name, { enumerable: true, get: () => ctx.getOptional(token) });
  }
  return Object.freeze(services);
}

/** Starts and stops one bundle at a time: its context, deadlines, cleanups and withdrawal. */
export class BundleRunner {
  constructor(private readonly core: KernelCore) {}

  /** Checks the bundle's configuration as it is now, then starts it; false when it did not become ACTIVE. */
  async startFresh(slot: Slot): Promise<boolean> {
    const bundle = slot.loaded.bundle;
    const { config, problems } = checkBundleConfig(bundle, this.core.values());
    if (problems.length) {
      setState(this.core.events, slot, BundleState.FAILED, problems.join('; '));
      this.core.logger.error(`bundle ${bundle.name} FAILED to start: ${slot.reason}`);
      return false;
    }
    slot.config = new LiveConfig(config);
    return this.start(slot);
  }

  async start(slot: Slot): Promise<boolean> {
    const bundle = slot.loaded.bundle;
    const { core } = this;
    const ctx = new Context(bundle, core.registry, core.node, bundleLogger(core.logger, bundle.name), slot.config!, core.folder, core.events);
    slot.context = ctx;
    setState(core.events, slot, BundleState.STARTING);
    core.logger.info(`starting bundle ${bundle.name} ${bundle.version}`);
    const timeout = bundle.startTimeoutMs ?? 30_000;
    try {
      for (const c of bundle.contributes ?? []) ctx.contribute(c.point, c.item);
      const run = () => (usesDeps(bundle) ? bundle.start(servicesFor(bundle, ctx) as never, ctx) : bundle.start(ctx));
      await withDeadline(run(), timeout, `start() did not return within ${timeout} ms`);
      setState(core.events, slot, BundleState.ACTIVE);
      core.started.push(slot);
      return true;
    } catch (err) {
      const reason = (err as Error).message;
      setState(core.events, slot, BundleState.FAILED, reason);
      core.logger.error(`bundle ${bundle.name} FAILED to start: ${reason}`);
      await this.cleanUp(slot, ctx);
      return false;
    }
  }

  /** Stops an ACTIVE bundle; a `stop` that throws or overruns is logged and everything it added is withdrawn anyway. */
  async stop(slot: Slot, reason: string): Promise<void> {
    const bundle = slot.loaded.bundle;
    const ctx = slot.context!;
    setState(this.core.events, slot, BundleState.STOPPING, reason);
    this.core.logger.info(`stopping bundle ${bundle.name}`);
    const timeout = bundle.stopTimeoutMs ?? 10_000;
    let failure: string | undefined;
    try {
      if (bundle.stop) await withDeadline(bundle.stop(ctx), timeout, `stop() did not return within ${timeout} ms`);
    } catch (err) {
      failure = (err as Error).message;
      this.core.logger.error(`bundle ${bundle.name} did not stop cleanly: ${failure}`);
    }
    await this.cleanUp(slot, ctx);
    const started = this.core.started;
    if (started.includes(slot)) started.splice(started.indexOf(slot), 1);
    setState(this.core.events, slot, BundleState.RESOLVED, failure ? `${reason}; stop() failed: ${failure}` : reason);
  }

  private async cleanUp(slot: Slot, ctx: Context): Promise<void> {
    const timeout = slot.loaded.bundle.stopTimeoutMs ?? 10_000;
    for (const cleanup of ctx.cleanups.splice(0).reverse()) {
      try {
        await withDeadline(cleanup(), timeout, `a cleanup did not finish within ${timeout} ms`);
      } catch (err) {
        this.core.logger.error(`bundle ${slot.loaded.bundle.name}: ${(err as Error).message}`);
      }
    }
    ctx.withdrawAll();
  }
}
