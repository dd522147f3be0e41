import { ApacheProcess } from './apache.js';
import { killAll, type NodeProcess } from './nodeProcess.js';
import { sessionNode, waitForCluster } from './sessionNodes.js';
import { tempConfig } from './tempConfig.js';

/** Three (or more) session nodes forming one grid, behind a real Apache balancer: the sessions tests' stage. */
export class ApacheCluster {
  readonly nodes = new Map<string, NodeProcess>();
  private config?: { dir: string; remove(): void };
  private apache?: ApacheProcess;

  /** `addresses`: route → loopback address of that node; `set`: properties for every node. */
  constructor(readonly listen: string, readonly addresses: Record<string, string>, readonly set: Record<string, string | number | boolean> = {}) {}

  /** Starts (or restarts) the node with this route. */
  start(route: string): NodeProcess {
    const grid = Object.values(this.addresses).map((a) => `${a}:5701`);
    const node = sessionNode({ configDir: this.config!.dir, address: this.addresses[route]!, route, cluster: grid, set: this.set });
    this.nodes.set(route, node);
    return node;
  }

  /** A config with `usersProperties`, every node started and joined, then Apache in front. */
  async up(usersProperties: string): Promise<ApacheProcess> {
    this.config = tempConfig({ 'users.properties': usersProperties });
    await Promise.all(Object.keys(this.addresses).map((r) => this.start(r).ready(30_000)));
    await waitForCluster(Object.values(this.addresses), Object.keys(this.addresses).length);
    this.apache = await ApacheProcess.start({ listen: this.listen, nodes: Object.fromEntries(Object.entries(this.addresses).map(([r, a]) => [r, `${a}:8009`])) });
    return this.apache;
  }

  async down(): Promise<void> {
    await this.apache?.stop();
    await killAll();
    this.config?.remove();
  }
}
