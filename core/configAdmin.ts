import type { Bundle, BundleConfig, ConfigChange, ConfigSchema } from './bundle.js';
import { BundleState } from './bundle.js';
import { checkBundleConfig } from './bundleRunner.js';
import { resolveBundleConfig } from './config/bundleConfig.js';
import type { ConfigEntry } from './config/configFiles.js';
import type { ConfigFolder } from './config/configFolder.js';
import { withDeadline } from './deadline.js';
import { kernelSchema } from './kernelConfig.js';
import type { ConfigUpdateReport } from './kernelService.js';
import type { Lifecycle } from './lifecycle.js';
import type { KernelCore, Slot } from './slot.js';

interface Plan {
  slot: Slot;
  changes: ConfigChange[];
  next?: BundleConfig<ConfigSchema>;
  /** Set when nothing may be applied; the old values stay. */
  refusal?: string;
  restart: boolean;
}

const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));
const emptyReport = (): ConfigUpdateReport => ({ applied: [], refused: [], restarted: [] });

/**
 * Live configuration (ConfigAdmin's `updated`): a change is validated like start-up would, handed
 * to the running bundle when every changed key is reloadable, and otherwise refused naming the
 * bundle to restart (or, asked to, applied by restarting it).
 */
export class ConfigAdmin {
  constructor(
    private readonly core: KernelCore,
    private readonly lifecycle: Lifecycle,
    private readonly ownerOf: (key: string) => Bundle | undefined,
  ) {}

  plan(slot: Slot, values: ReadonlyMap<string, ConfigEntry>, restart: boolean): Plan {
    const bundle = slot.loaded.bundle;
    const schema = bundle.config ?? {};
    const old = slot.config;
    const { config: next, problems } = checkBundleConfig(bundle, values);
    const changes = old ? Object.keys(schema).filter((k) => JSON.stringify(old.get(k)) !== JSON.stringify(next.get(k))).map((k) => ({ key: k, from: old.get(k), to: next.get(k) })) : [];
    if (problems.length) return { slot, changes, refusal: problems.join('; '), restart };
    const fixed = changes.filter((c) => !schema[c.key].reloadable).map((c) => c.key);
    const needsRestart = fixed.length > 0 && slot.state === BundleState.ACTIVE;
    if (needsRestart && !restart) {
      return { slot, changes, restart, refusal: `${fixed.join(', ')} ${fixed.length > 1 ? 'are' : 'is'} not reloadable: restart bundle "${bundle.name}" to apply (or ask for the change with restart)` };
    }
    return { slot, changes, next, restart: needsRestart };
  }

  /** Applies a plan that was not refused; a throw from the bundle's `updated` hook becomes a refusal in `report`. */
  async execute(plan: Plan, report: ConfigUpdateReport): Promise<void> {
    const { slot, changes, next } = plan;
    const name = slot.loaded.bundle.name;
    if (changes.length === 0 || !next || !slot.config) return;
    if (plan.restart) {
      this.log(slot, changes, 'restarting the bundle');
      await this.lifecycle.restartNow(name);
      report.restarted.push(name);
    } else {
      const old = slot.config.snapshot();
      slot.config.replace(next);
      if (slot.state === BundleState.ACTIVE) {
        try {
          const timeout = slot.loaded.bundle.stopTimeoutMs ?? 10_000;
          await withDeadline(slot.loaded.bundle.updated?.(changes, slot.context!), timeout, `updated() did not return within ${timeout} ms`);
          slot.config.notify(changes);
        } catch (err) {
          slot.config.replace(old);
          const reason = `bundle "${name}" refused the change: ${(err as Error).message}`;
          for (const c of changes) report.refused.push({ bundle: name, key: c.key, reason });
          this.core.logger.warn(reason);
          return;
        }
      }
      this.log(slot, changes, slot.state === BundleState.ACTIVE ? 'handed to the running bundle' : 'used when it starts');
    }
    for (const c of changes) report.applied.push({ bundle: name, key: c.key, ...this.masked(slot.loaded.bundle, c) });
  }

  async setConfig(key: string, value: string, restart: boolean, commit: (entry: ConfigEntry) => void): Promise<ConfigUpdateReport> {
    const report = emptyReport();
    if (key in kernelSchema) {
      const entry: ConfigEntry = { key, value, file: 'setConfig', line: 0 };
      if (this.applyKernelChange(key as keyof typeof kernelSchema, new Map(this.core.values()).set(key, entry), report)) commit(entry);
      return report;
    }
    const owner = this.ownerOf(key);
    if (!owner) throw new Error(`no bundle declares property ${key}`);
    const slot = this.core.slots.get(owner.name)!;
    const entry: ConfigEntry = { key, value, file: 'setConfig', line: 0 };
    const values = new Map(this.core.values()).set(key, entry);
    const plan = this.plan(slot, values, restart);
    if (plan.refusal) {
      report.refused.push({ bundle: owner.name, key, reason: plan.refusal });
      this.core.logger.warn(`config ${key}: change refused: ${plan.refusal}`);
      return report;
    }
    // A restart, or the next start of a bundle not running, reads the value from the kernel's values.
    if (plan.restart || !slot.config) commit(entry);
    await this.execute(plan, report);
    if (!report.refused.length) commit(entry);
    return report;
  }

  /** Applies `values` (the folder read again) to every bundle with a configuration. */
  async reload(values: ReadonlyMap<string, ConfigEntry>, previous: ReadonlyMap<string, ConfigEntry>, restart: boolean): Promise<ConfigUpdateReport> {
    const report = emptyReport();
    for (const key of Object.keys(kernelSchema) as (keyof typeof kernelSchema)[]) {
      if (values.get(key)?.value !== previous.get(key)?.value) this.applyKernelChange(key, values, report);
    }
    const plans = [...this.core.slots.values()].filter((s) => s.config).map((s) => this.plan(s, values, restart));
    for (const plan of plans) {
      if (!plan.refusal) continue;
      const name = plan.slot.loaded.bundle.name;
      for (const c of plan.changes.length ? plan.changes : [{ key: '(validation)' }]) report.refused.push({ bundle: name, key: c.key, reason: plan.refusal });
      this.core.logger.warn(`config reload: bundle ${name} keeps its values: ${plan.refusal}`);
    }
    for (const plan of plans.filter((p) => !p.refusal)) await this.execute(plan, report);
    return report;
  }

  /** Hands the folder read again to the `onFilesReloaded` listeners of every ACTIVE bundle; a throw is a refusal named `(files)`. */
  async reloadFiles(files: ConfigFolder, report: ConfigUpdateReport): Promise<void> {
    for (const slot of this.core.started) {
      const bundle = slot.loaded.bundle;
      const timeout = bundle.stopTimeoutMs ?? 10_000;
      for (const listener of slot.context?.filesListeners ?? []) {
        try {
          await withDeadline(listener(files), timeout, `a files listener did not return within ${timeout} ms`);
        } catch (err) {
          const reason = `bundle "${bundle.name}" refused the files: ${(err as Error).message}`;
          report.refused.push({ bundle: bundle.name, key: '(files)', reason });
          this.core.logger.warn(reason);
        }
      }
    }
  }

  /** A kernel property: a reloadable one is checked and applied (`core.applyKernelSetting`), any other refused. True when applied. */
  private applyKernelChange(key: keyof typeof kernelSchema, values: ReadonlyMap<string, ConfigEntry>, report: ConfigUpdateReport): boolean {
    if (!kernelSchema[key].reloadable) {
      report.refused.push({ bundle: 'kernel', key, reason: `${key} is read when the node starts: restart the node to change it` });
      return false;
    }
    const { config, problems } = resolveBundleConfig(kernelSchema, values);
    const own = problems.map((p) => p.message).filter((m) => m.includes(` ${key}: `));
    if (own.length) {
      report.refused.push({ bundle: 'kernel', key, reason: own.join('; ') });
      this.core.logger.warn(`config ${key}: change refused: ${own.join('; ')}`);
      return false;
    }
    const from = this.core.kernelSetting(key);
    const to = config.get(key);
    this.core.applyKernelSetting(key, to);
    this.core.logger.info(`config ${key}: ${shown(from)} -> ${shown(to)} (kernel; applied)`);
    this.core.events.emit('configChanged', { bundle: 'kernel', key, from: shown(from), to: shown(to) });
    report.applied.push({ bundle: 'kernel', key, from: shown(from), to: shown(to) });
    return true;
  }

  private masked(bundle: Bundle, c: ConfigChange): { from: string; to: string } {
    return bundle.config?.[c.key]?.sensitive ? { from: '****', to: '****' } : { from: shown(c.from), to: shown(c.to) };
  }

  private log(slot: Slot, changes: readonly ConfigChange[], how: string): void {
    const bundle = slot.loaded.bundle;
    for (const c of changes) {
      const { from, to } = this.masked(bundle, c);
      this.core.logger.info(`config ${c.key}: ${from} -> ${to} (bundle ${bundle.name}, ${slot.config?.origin(c.key) ?? 'default'}; ${how})`);
      this.core.events.emit('configChanged', { bundle: bundle.name, key: c.key, from, to });
    }
  }
}
