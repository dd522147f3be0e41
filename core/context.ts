import type { Container } from 'inversify';
import type { Logger } from 'winston';
import type { Bundle, BundleConfig, BundleContext, ConfigSchema, NodeInfo } from './bundle.js';
import type { ConfigFiles } from './config/configFiles.js';
import type { KernelEvents } from './events.js';
import { KERNEL_SERVICE } from './kernelService.js';
import type { ServiceToken } from './serviceToken.js';

/** The context handed to one bundle: only the services it declared, its own config and logger. */
export class Context<S extends ConfigSchema = ConfigSchema> implements BundleContext<S> {
  readonly cleanups: (() => unknown)[] = [];
  readonly registered: ServiceToken<unknown>[] = [];

  constructor(
    private readonly bundle: Bundle<S>,
    private readonly container: Container,
    readonly node: NodeInfo,
    readonly logger: Logger,
    readonly config: BundleConfig<S>,
    readonly files: ConfigFiles,
    readonly events: KernelEvents,
  ) {}

  get name(): string {
    return this.bundle.name;
  }

  private declared(token: ServiceToken<unknown>, list: readonly ServiceToken<unknown>[] | undefined): boolean {
    return token.key === KERNEL_SERVICE.key || (list ?? []).some((t) => t.key === token.key);
  }

  get<T>(token: ServiceToken<T>): T {
    if (!this.declared(token, this.bundle.requires)) {
      throw new Error(`bundle "${this.name}" asked for service "${token.name}" without declaring it in requires`);
    }
    if (!this.container.isBound(token.key)) throw new Error(`bundle "${this.name}": required service "${token.name}" is not available`);
    return this.container.get<T>(token.key);
  }

  getOptional<T>(token: ServiceToken<T>): T | undefined {
    if (!this.declared(token, [...(this.bundle.requires ?? []), ...(this.bundle.optionalRequires ?? [])])) {
      throw new Error(`bundle "${this.name}" asked for service "${token.name}" without declaring it in requires or optionalRequires`);
    }
    return this.container.isBound(token.key) ? this.container.get<T>(token.key) : undefined;
  }

  register<T>(token: ServiceToken<T>, service: T): void {
    if (!this.declared(token, this.bundle.provides) || token.key === KERNEL_SERVICE.key) {
      throw new Error(`bundle "${this.name}" registered service "${token.name}" without declaring it in provides`);
    }
    if (this.container.isBound(token.key)) throw new Error(`bundle "${this.name}": service "${token.name}" is already registered`);
    this.container.bind<T>(token.key).toConstantValue(service);
    this.registered.push(token);
    this.events.emit('serviceRegistered', { bundle: this.name, service: token.name });
  }

  onStop(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Unbinds this bundle's services (after it stopped or failed). */
  unregisterAll(): void {
    for (const token of this.registered.splice(0)) {
      if (this.container.isBound(token.key)) this.container.unbind(token.key);
      this.events.emit('serviceUnregistered', { bundle: this.name, service: token.name });
    }
  }
}
