import { type BindingIdentifier, Container } from 'inversify';
import type { Logger } from 'winston';
import type { KernelEvents } from './events.js';
import type { Contribution, ContributionListener, ContributionsView, ExtensionPoint } from './extensionPoint.js';
import type { ServiceToken } from './serviceToken.js';

/** Something a bundle added to the registry; withdrawn when the bundle stops, or earlier by hand. */
export interface Registration {
  readonly bundle: string;
  withdraw(): void;
}

type ServiceWatcher = (service: unknown) => void;

/**
 * The node's services and contributions, held in the kernel's inversify container: a service is a
 * constant binding under its token's key (one provider per token), a contribution one of many
 * bindings under its point's key. Watchers hear of every change, so optional dependencies and
 * extension points can follow bundles that start and stop.
 */
export class ServiceRegistry {
  readonly container = new Container();
  private readonly providers = new Map<symbol, string>();
  private readonly serviceWatchers = new Map<symbol, Set<ServiceWatcher>>();
  private readonly pointListeners = new Map<symbol, Set<ContributionListener<unknown>>>();

  constructor(private readonly events: KernelEvents, private readonly logger: () => Logger) {}

  /** The bundle that provides `token` now, if any. */
  providerOf(token: ServiceToken<unknown>): string | undefined {
    return this.providers.get(token.key);
  }

  has(key: symbol): boolean {
    return this.providers.has(key);
  }

  get<T>(key: symbol): T | undefined {
    return this.container.get<T>(key, { optional: true });
  }

  register<T>(bundle: string, token: ServiceToken<T>, service: T): Registration {
    const owner = this.providers.get(token.key);
    if (owner !== undefined) throw new Error(`bundle "${bundle}": service "${token.name}" is already registered by bundle "${owner}"`);
    const binding = this.container.bind<T>(token.key).toConstantValue(service).getIdentifier();
    this.providers.set(token.key, bundle);
    this.events.emit('serviceRegistered', { bundle, service: token.name });
    this.notifyService(token, service);
    return this.once(bundle, () => {
      this.container.unbind(binding);
      this.providers.delete(token.key);
      this.events.emit('serviceUnregistered', { bundle, service: token.name });
      this.notifyService(token, undefined);
    });
  }

  /** Calls `watcher` with the service each time it is registered or withdrawn (undefined then). */
  watchService<T>(token: ServiceToken<T>, watcher: (service: T | undefined) => void): () => void {
    return this.addTo(this.serviceWatchers, token.key, watcher as ServiceWatcher);
  }

  contribute<T>(bundle: string, point: ExtensionPoint<T>, item: T): Registration {
    const contribution: Contribution<T> = Object.freeze({ bundle, item });
    const binding: BindingIdentifier = this.container.bind<Contribution<T>>(point.key).toConstantValue(contribution).getIdentifier();
    this.events.emit('contributionAdded', { bundle, point: point.id });
    this.notifyPoint(point, (l) => l.added?.(contribution));
    return this.once(bundle, () => {
      this.container.unbind(binding);
      this.events.emit('contributionWithdrawn', { bundle, point: point.id });
      this.notifyPoint(point, (l) => l.removed?.(contribution));
    });
  }

  contributions<T>(point: ExtensionPoint<T>): ContributionsView<T> {
    return {
      current: () => (this.container.isBound(point.key) ? this.container.getAll<Contribution<T>>(point.key) : []),
      subscribe: (listener) => this.addTo(this.pointListeners, point.key, listener as ContributionListener<unknown>),
    };
  }

  private once(bundle: string, withdraw: () => void): Registration {
    let done = false;
    return {
      bundle,
      withdraw: () => {
        if (done) return;
        done = true;
        withdraw();
      },
    };
  }

  private addTo<L>(map: Map<symbol, Set<L>>, key: symbol, listener: L): () => void {
    const set = map.get(key) ?? new Set<L>();
    map.set(key, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  // A listener's bug must not stop the kernel from withdrawing or registering the rest.
  private notifyService(token: ServiceToken<unknown>, service: unknown): void {
    for (const watcher of [...(this.serviceWatchers.get(token.key) ?? [])]) {
      try {
        watcher(service);
      } catch (err) {
        this.logger().error(`a watcher of service "${token.name}" threw: ${(err as Error).message}`);
      }
    }
  }

  private notifyPoint(point: ExtensionPoint<unknown>, call: (l: ContributionListener<unknown>) => void): void {
    for (const listener of [...(this.pointListeners.get(point.key) ?? [])]) {
      try {
        call(listener);
      } catch (err) {
        this.logger().error(`a listener of extension point "${point.id}" threw: ${(err as Error).message}`);
      }
    }
  }
}
