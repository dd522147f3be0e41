import { BundleState } from './bundle.js';
import type { BundleRunner } from './bundleRunner.js';
import { requiredTokens, staticTokens } from './dependencies.js';
import type { LifecycleResult } from './kernelService.js';
import type { KernelCore, Slot } from './slot.js';

/**
 * Stops, starts and restarts bundles on a running node, one operation at a time. Stopping a bundle
 * first stops what depends on it; starting it brings those back unless an operator stopped them.
 */
export class Lifecycle {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly core: KernelCore, private readonly runner: BundleRunner) {}

  /** Runs `operation` after every earlier one finished (life-cycle and configuration changes). */
  serialize<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  stopBundle(name: string): Promise<LifecycleResult> {
    return this.serialize(() => this.stopNow(this.slot(name)));
  }

  startBundle(name: string): Promise<LifecycleResult> {
    return this.serialize(() => this.startNow(this.slot(name)));
  }

  restartBundle(name: string): Promise<LifecycleResult> {
    return this.serialize(() => this.restartNow(name));
  }

  async restartNow(name: string): Promise<LifecycleResult> {
    const slot = this.slot(name);
    const { stopped } = await this.stopNow(slot);
    const { started } = await this.startNow(slot);
    return { stopped, started };
  }

  /** Stops every ACTIVE bundle, last started first (the node shuts down). */
  stopAll(): Promise<void> {
    return this.serialize(async () => {
      for (const slot of [...this.core.started].reverse()) await this.runner.stop(slot, 'the node stopped');
    });
  }

  private slot(name: string): Slot {
    const slot = this.core.slots.get(name);
    if (!slot) throw new Error(`there is no bundle named "${name}" (known: ${[...this.core.slots.keys()].sort().join(', ')})`);
    return slot;
  }

  private async stopNow(slot: Slot): Promise<LifecycleResult> {
    const name = slot.loaded.bundle.name;
    slot.stoppedByOperator = true;
    slot.waitingForProviders = false;
    if (slot.state !== BundleState.ACTIVE) return { stopped: [], started: [] };
    const dependents = this.dependentsOf(slot).reverse();
    if (dependents.length) {
      this.core.logger.info(`stopping bundle ${name}: first its dependents ${dependents.map((d) => d.loaded.bundle.name).join(', ')}, which require its services`);
    }
    for (const dependent of dependents) {
      dependent.waitingForProviders = true;
      await this.runner.stop(dependent, `stopped with "${name}", whose services it requires`);
    }
    await this.runner.stop(slot, 'stopped by an operator');
    return { stopped: [...dependents.map((d) => d.loaded.bundle.name), name], started: [] };
  }

  private async startNow(slot: Slot): Promise<LifecycleResult> {
    const bundle = slot.loaded.bundle;
    slot.stoppedByOperator = false;
    if (slot.state === BundleState.ACTIVE) return { stopped: [], started: [] };
    const missing = requiredTokens(bundle).filter((t) => !this.core.registry.has(t.key));
    if (missing.length) {
      throw new Error(`bundle "${bundle.name}" cannot start: no ACTIVE bundle provides ${missing.map((t) => `"${t.name}"`).join(', ')}`);
    }
    slot.waitingForProviders = false;
    const started = (await this.runner.startFresh(slot)) ? [bundle.name] : [];
    started.push(...(await this.startWaiting()));
    return { stopped: [], started };
  }

  /** Starts, in dependency order, the bundles waiting for providers that are now all back. */
  private async startWaiting(): Promise<string[]> {
    const started: string[] = [];
    const order = [...this.core.startOrder.map((b) => this.core.slots.get(b.name)!), ...this.core.slots.values()];
    for (let progress = true; progress; ) {
      progress = false;
      for (const slot of new Set(order)) {
        if (!slot.waitingForProviders || slot.stoppedByOperator || slot.state === BundleState.ACTIVE) continue;
        if (!requiredTokens(slot.loaded.bundle).every((t) => this.core.registry.has(t.key))) continue;
        slot.waitingForProviders = false;
        if (await this.runner.startFresh(slot)) started.push(slot.loaded.bundle.name);
        progress = true;
      }
    }
    return started;
  }

  /** ACTIVE bundles that need `slot`'s services, directly or through others, in start order. */
  private dependentsOf(slot: Slot): Slot[] {
    const gone = new Set([slot.loaded.bundle.name]);
    const dependents: Slot[] = [];
    for (let grew = true; grew; ) {
      grew = false;
      for (const other of this.core.started) {
        if (gone.has(other.loaded.bundle.name)) continue;
        const needs = staticTokens(other.loaded.bundle).some((t) => gone.has(this.core.registry.providerOf(t) ?? ''));
        if (!needs) continue;
        gone.add(other.loaded.bundle.name);
        dependents.push(other);
        grew = true;
      }
    }
    return this.core.started.filter((s) => dependents.includes(s));
  }
}
