import { createDataLayer, type DataLayer } from '../../../bundles/grid/data/dataLayer.js';
import { defaultDataOptions, type DataLayerOptions } from '../../../bundles/grid/data/dataOptions.js';
import { waitFor } from '../../support/waitFor.js';
import { LocalHub, type LocalSpi, quietLogger } from './localCluster.js';

export interface LocalNode {
  spi: LocalSpi;
  layer: DataLayer;
}

/** Data layers on an in-process hub; `stopAll` in teardown. */
export class DataCluster {
  readonly hub = new LocalHub();
  readonly nodes: LocalNode[] = [];

  constructor(private readonly options: Partial<DataLayerOptions> = {}) {}

  start(member: { address?: string; lite?: boolean } = {}, options: Partial<DataLayerOptions> = {}): LocalNode {
    const spi = this.hub.add(member);
    const layer = createDataLayer(spi, { ...defaultDataOptions, operationTimeoutMs: 3000, ...this.options, ...options }, quietLogger);
    const node = { spi, layer };
    this.nodes.push(node);
    return node;
  }

  alive(): LocalNode[] {
    return this.nodes.filter((n) => this.hub.spi(n.spi.local.id) !== undefined);
  }

  crash(node: LocalNode): void {
    this.hub.crash(node.spi.local.id);
    void node.layer.stop();
  }

  async leave(node: LocalNode): Promise<void> {
    await this.hub.leave(node.spi.local.id);
    await node.layer.stop();
  }

  /** Every live member says cluster safe. */
  async safe(timeoutMs = 20_000): Promise<void> {
    await waitFor('cluster safe on every member', () => this.alive().every((n) => n.layer.isClusterSafe()), timeoutMs);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.layer.stop()));
  }
}

/** Counts keys `prefix<i>` whose value is not `value-<i>`. */
export async function verify(layer: DataLayer, map: string, count: number, prefix = 'k'): Promise<{ missing: number; wrong: number }> {
  const m = layer.getMap<string>(map);
  let missing = 0;
  let wrong = 0;
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    const values = await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => m.get(`${prefix}${i + j}`)));
    values.forEach((v, j) => {
      if (v === undefined) missing++;
      else if (v !== `value-${i + j}`) wrong++;
    });
  }
  return { missing, wrong };
}

export async function load(layer: DataLayer, map: string, count: number, prefix = 'k'): Promise<void> {
  const m = layer.getMap<string>(map);
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => m.set(`${prefix}${i + j}`, `value-${i + j}`)));
  }
}
