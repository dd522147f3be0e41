import type { MBean, MBeanServer } from '../api.js';

/** A group of MBeans kept in step with a changing set of names (members, maps, topics). */
export class MBeanSet {
  private readonly names = new Set<string>();

  constructor(private readonly server: MBeanServer) {}

  /** Registers the names that are new, unregisters those no longer wanted; existing MBeans stay. */
  sync(wanted: ReadonlyMap<string, () => MBean>): void {
    for (const name of [...this.names]) {
      if (!wanted.has(name)) this.remove(name);
    }
    for (const [name, create] of wanted) {
      if (!this.names.has(name)) {
        this.server.register(name, create());
        this.names.add(name);
      }
    }
  }

  clear(): void {
    for (const name of [...this.names]) this.remove(name);
  }

  private remove(name: string): void {
    this.names.delete(name);
    if (this.server.isRegistered(name)) this.server.unregister(name);
  }
}
