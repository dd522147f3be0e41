import type { BundleConfig, ConfigChange, ConfigSchema, ConfigValues, LiveBundleConfig } from './bundle.js';

/** A bundle's configuration that the kernel can swap while the bundle runs; listeners hear of it. */
export class LiveConfig<S extends ConfigSchema> implements LiveBundleConfig<S> {
  private readonly listeners = new Set<(changes: readonly ConfigChange[]) => void>();

  constructor(private current: BundleConfig<S>) {}

  get<K extends keyof S & string>(key: K): ConfigValues<S>[K] {
    return this.current.get(key);
  }

  origin(key: keyof S & string): string {
    return this.current.origin(key);
  }

  onChange(listener: (changes: readonly ConfigChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The values the bundle runs with now (to roll back to). */
  snapshot(): BundleConfig<S> {
    return this.current;
  }

  replace(next: BundleConfig<S>): void {
    this.current = next;
  }

  /** Tells the listeners; the first throw is passed on so the kernel can roll the change back. */
  notify(changes: readonly ConfigChange[]): void {
    for (const listener of [...this.listeners]) listener(changes);
  }

  /** A bundle's listeners belong to one run of it. */
  clearListeners(): void {
    this.listeners.clear();
  }
}
