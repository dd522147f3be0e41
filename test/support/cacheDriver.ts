import { join } from 'node:path';
import type { RegionStats } from '../../bundles/cache-jcs/api.js';
import { repoRoot } from './paths.js';

/** Folder for `kernel.bundles.path` holding the `cache-driver` test bundle (`/test/cache/...` routes). */
export const cacheDriverBundlesPath = join(repoRoot, 'test', 'fixtures', 'cache-bundles');

/** A region's stats as the cache-driver bundle returns them (JSON of the service's `RegionStats`). */
export type RegionStatsJson = Omit<RegionStats, 'region'>;

/** Talks to one node's cache through the cache-driver bundle. */
export class CacheClient {
  constructor(readonly host: string, readonly port = 8009) {}

  private async call<T>(method: 'GET' | 'POST', action: string, params: Record<string, string>): Promise<T> {
    const url = `http://${this.host}:${this.port}/test/cache/${action}?${new URLSearchParams(params).toString()}`;
    const res = await fetch(url, { method });
    const body = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${body}`);
    return JSON.parse(body) as T;
  }

  info(): Promise<{ mode: string; regions: string[]; route: string }> {
    return this.call('GET', 'info', {});
  }

  async get(region: string, key: string): Promise<string | undefined> {
    const r = await this.call<{ found: boolean; value: string | null }>('GET', 'get', { region, key });
    return r.found ? (r.value ?? undefined) : undefined;
  }

  async put(region: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'put', { region, key, value });
  }

  async remove(region: string, key: string): Promise<void> {
    await this.call('POST', 'remove', { region, key });
  }

  /** Removes `${prefix}0` .. `${prefix}${count - 1}` in one synchronous loop on the node. */
  async removeMany(region: string, prefix: string, count: number): Promise<void> {
    await this.call('POST', 'removeMany', { region, prefix, count: String(count) });
  }

  async clear(region: string): Promise<void> {
    await this.call('POST', 'clear', { region });
  }

  stats(region: string): Promise<RegionStatsJson> {
    return this.call('GET', 'stats', { region });
  }
}
