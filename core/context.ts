import { Container } from 'inversify';
import type { Logger } from 'winston';
import type { Bundle, BundleContext, ConfigSchema, NodeInfo } from './bundle.js';
import type { ConfigFiles } from './config/configFiles.js';
import { optionalTokens, requiredTokens } from './dependencies.js';
import type { KernelEvents } from './events.js';
import type { ContributionsView, ExtensionPoint } from './extensionPoint.js';
import { KERNEL_SERVICE } from './kernelService.js';
import type { LiveConfig } from './liveConfig.js';
import type { Registration, ServiceRegistry } from './serviceRegistry.js';
import type { ServiceToken } from './serviceToken.js';

/**
 * The context handed to one run of a bundle. Its own inversify container binds only the services
 * the bundle declared (each resolved from the kernel's registry when asked), so an undeclared
 * token is not there to be found. Everything registered through it is withdrawn by `withdrawAll`.
 */
export class Context<S extends ConfigSchema = ConfigSchema> implements BundleContext<S> {
  readonly cleanups: (() => unknown)[] = [];
  readonly filesListeners: ((files: ConfigFiles) => Promise<void> | void)[] = [];
  private readonly registrations: Registration[] = [];
  private readonly unsubscribes: (() => void)[] = [];
  private readonly scope = new Container();
  private readonly required: ReadonlySet<symbol>;
  /** Set once the run is over: a start that overran its deadline cannot add anything afterwards. */
  private closed = false;

  constructor(
    private readonly bundle: Bundle<S>,
    private readonly registry: ServiceRegistry,
    readonly node: NodeInfo,
    readonly logger: Logger,
    readonly config: LiveConfig<S>,
    readonly files: ConfigFiles,
    readonly events: KernelEvents,
  ) {
    const required = [KERNEL_SERVICE, ...requiredTokens(bundle)];
    this.required = new Set(required.map((t) => t.key));
    for (const token of [...required, ...optionalTokens(bundle)]) {
      if (!this.scope.isBound(token.key)) this.scope.bind(token.key).toDynamicValue(() => registry.get(token.key));
    }
  }

  get name(): string {
    return this.bundle.name;
  }

  get<T>(token: ServiceToken<T>): T {
    if (!this.required.has(token.key)) {
      throw new Error(`bundle "${this.name}" asked for service "${token.name}" without declaring it in requires`);
    }
    const service = this.scope.get<T | undefined>(token.key);
    if (service === undefined) throw new Error(`bundle "${this.name}": required service "${token.name}" is not available`);
    return service;
  }

  getOptional<T>(token: ServiceToken<T>): T | undefined {
    if (!this.scope.isBound(token.key)) {
      throw new Error(`bundle "${this.name}" asked for service "${token.name}" without declaring it in requires or optionalRequires`);
    }
    return this.scope.get<T | undefined>(token.key);
  }

  track<T>(token: ServiceToken<T>, listener: (service: T | undefined) => void): () => void {
    const current = this.getOptional(token);
    const stop = this.registry.watchService(token, listener);
    this.unsubscribes.push(stop);
    listener(current);
    return stop;
  }

  register<T>(token: ServiceToken<T>, service: T): void {
    if (!(this.bundle.provides ?? []).some((t) => t.key === token.key) || token.key === KERNEL_SERVICE.key) {
      throw new Error(`bundle "${this.name}" registered service "${token.name}" without declaring it in provides`);
    }
    this.assertOpen(`register service "${token.name}"`);
    this.registrations.push(this.registry.register(this.name, token, service));
  }

  contribute<T>(point: ExtensionPoint<T>, item: T): () => void {
    this.assertOpen(`contribute to "${point.id}"`);
    const registration = this.registry.contribute(this.name, point, item);
    this.registrations.push(registration);
    return () => registration.withdraw();
  }

  contributions<T>(point: ExtensionPoint<T>): ContributionsView<T> {
    if (!(this.bundle.extensionPoints ?? []).some((p) => p.key === point.key)) {
      throw new Error(`bundle "${this.name}" read extension point "${point.id}" without declaring it in extensionPoints`);
    }
    const view = this.registry.contributions(point);
    return {
      current: view.current,
      subscribe: (listener) => {
        const stop = view.subscribe(listener);
        this.unsubscribes.push(stop);
        return stop;
      },
    };
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`bundle "${this.name}" tried to ${what} after it stopped`);
  }

  onStop(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  onFilesReloaded(listener: (files: ConfigFiles) => Promise<void> | void): void {
    this.filesListeners.push(listener);
  }

  /** Withdraws this run's services and contributions and drops its listeners (after it stopped or failed). */
  withdrawAll(): void {
    this.closed = true;
    this.filesListeners.splice(0);
    for (const stop of this.unsubscribes.splice(0)) stop();
    for (const registration of this.registrations.splice(0).reverse()) registration.withdraw();
    this.config.clearListeners();
  }
}
