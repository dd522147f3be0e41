import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GridHealth, gridHealthIn, gridNode } from '../gridNodes.js';
import type { NodeProcess } from '../nodeProcess.js';
import { repoRoot } from '../paths.js';
import type { PrivateNetwork } from '../privateNetwork.js';
import { tempConfig } from '../tempConfig.js';
import { waitFor } from '../waitFor.js';
import { DriverClient } from './driverClient.js';

/** Folder for `kernel.bundles.path` holding the `chaos-driver` test bundle. */
export const chaosDriverBundlesPath = join(repoRoot, 'test', 'fixtures', 'chaos-bundles');

export interface ChaosClusterOptions {
  /** One node per address (HTTP 8009 and grid 5701 on each), inside `net`. */
  addresses: string[];
  routePrefix: string;
  /** The maps the clients use, with their sync backup count. */
  maps: string[];
  backupCount: number;
  /** `splitBrainProtection.minimumClusterSize` of the maps; 0 or absent: no protection. */
  minimumClusterSize?: number;
  /** Keep sessions, caches and management running (the soak); otherwise only http and grid. */
  allBundles?: boolean;
  set?: Record<string, string | number | boolean>;
  /** Options for node itself in the node processes, e.g. `['--trace-gc']`. */
  nodeFlags?: string[];
}

const OPTIONAL_BUNDLES = ['management', 'login', 'sessiond', 'sessionstorage-grid', 'cache-jcs', 'auth-file'];

function mapFile(map: string, o: ChaosClusterOptions): string {
  const prefix = 'com.openexchange.hazelcast.configuration.map.';
  const lines = [`${prefix}name=${map}`, `${prefix}backupCount=${o.backupCount}`];
  if (o.minimumClusterSize) lines.push(`${prefix}splitBrainProtection.minimumClusterSize=${o.minimumClusterSize}`);
  return `${lines.join('\n')}\n`;
}

/** Grid nodes in a private network namespace, each with the chaos driver on a Unix socket. */
export class ChaosCluster {
  readonly nodes: NodeProcess[] = [];
  /** Every process started, restarts included, for the logs. */
  private readonly started: NodeProcess[] = [];
  readonly routes: string[];
  readonly clients: DriverClient[];
  private readonly config: { dir: string; remove(): void };
  private readonly sockets: string;

  constructor(readonly net: PrivateNetwork, readonly options: ChaosClusterOptions) {
    this.config = tempConfig(Object.fromEntries(options.maps.map((m) => [`hazelcast/${m}.properties`, mapFile(m, options)])));
    this.sockets = mkdtempSync(join(tmpdir(), 'oxk-chaos-'));
    this.routes = options.addresses.map((_, i) => `${options.routePrefix}${i + 1}`);
    this.clients = this.routes.map((r) => new DriverClient(r, join(this.sockets, `${r}.sock`)));
  }

  get addresses(): string[] {
    return this.options.addresses;
  }

  /** Starts every node and waits until they form one cluster that is safe. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.options.addresses.forEach((_, i) => (this.nodes[i] = this.spawn(i)));
    await Promise.all(this.nodes.map((n) => n.ready(timeoutMs)));
    await this.waitSafe(this.indices(), timeoutMs);
  }

  indices(): number[] {
    return this.options.addresses.map((_, i) => i);
  }

  private spawn(i: number): NodeProcess {
    const o = this.options;
    const node = this.spawnProcess(i, o);
    this.started.push(node);
    return node;
  }

  private spawnProcess(i: number, o: ChaosClusterOptions): NodeProcess {
    const disabled = o.allBundles ? {} : Object.fromEntries(OPTIONAL_BUNDLES.map((b) => [`kernel.bundles.${b}.enabled`, false]));
    return gridNode({
      configDir: this.config.dir, address: o.addresses[i]!, route: this.routes[i]!, staticNodes: o.addresses, wrap: this.net.wrap, nodeFlags: o.nodeFlags,
      set: {
        'kernel.bundles.path': chaosDriverBundlesPath,
        'chaos.driver.socket': this.clients[i]!.socketPath,
        'com.openexchange.hazelcast.mergeFirstRunDelay': '2s',
        'com.openexchange.hazelcast.mergeRunDelay': '2s',
        ...disabled,
        ...(o.set ?? {}),
      },
    });
  }

  /** Starts node `i` again (after a kill or a graceful stop) and waits until it is ready. */
  async restart(i: number): Promise<void> {
    if (this.nodes[i]?.running) throw new Error(`node ${this.routes[i]} (${this.addresses[i]}) is still running`);
    this.nodes[i] = this.spawn(i);
    await this.nodes[i].ready(60_000);
  }

  health(i: number): Promise<GridHealth | undefined> {
    return gridHealthIn(this.net, this.addresses[i]!);
  }

  /**
   * Waits until each node in `indices` says, on /health, that it is in a safe cluster of exactly those
   * nodes, all with the same member list (master and version: one cluster, not two that each count
   * everybody); returns how long that took.
   */
  async waitSafe(indices: number[], timeoutMs = 60_000): Promise<number> {
    const started = performance.now();
    const what = `cluster safe with ${indices.length} members on ${indices.map((i) => this.routes[i]).join(', ')}, one member list`;
    await waitFor(what, async () => {
      const all = await Promise.all(indices.map((i) => this.health(i)));
      const lists = new Set(all.map((h) => `${h?.grid?.memberListVersion} ${h?.grid?.memberAddresses[0]}`));
      return lists.size === 1 && all.every((h) => h?.grid?.members === indices.length && h.grid.clusterSafe);
    }, timeoutMs, 100);
    return performance.now() - started;
  }

  /** Index of the node the others call master (the oldest member). */
  async master(): Promise<number> {
    for (const i of this.indices()) {
      const first = (await this.health(i))?.grid?.memberAddresses[0];
      const found = first && this.addresses.findIndex((a) => first === `${a}:5701`);
      if (typeof found === 'number' && found >= 0) return found;
    }
    throw new Error(`no node of ${this.routes.join(', ')} names a master on /health`);
  }

  /** Kills every node, closes the clients, removes the config and socket folders; with `logDir`, keeps each node's output there. */
  async stop(logDir?: string): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      this.started.forEach((n, i) => appendFileSync(join(logDir, `${n.options.label}.log`), `--- process ${i} (pid ${n.pid}) ---\n${n.output()}\n`));
    }
    for (const c of this.clients) c.close();
    this.config.remove();
    rmSync(this.sockets, { recursive: true, force: true });
  }
}
