import assert from 'node:assert/strict';
import type { CacheClient } from './cacheDriver.js';
import { waitFor } from './waitFor.js';

/** Cache checks shared by the three-node tests of both invalidation modes (grid topic, LTCP). */
export class CacheCluster {
  constructor(readonly clients: CacheClient[], readonly routes: string[], readonly timeoutMs: number) {}

  /** Puts and checks that the node holds the value, so a later miss proves an invalidation. */
  async put(i: number, region: string, key: string, value: string): Promise<void> {
    await this.clients[i]!.put(region, key, value);
    assert.equal(await this.clients[i]!.get(region, key), value, `${this.routes[i]} holds ${region}/${key}`);
  }

  /**
   * A marker remove from `from`, applied on `to`: both modes deliver one sender's events in order,
   * so everything `from` sent before has reached `to` by then.
   */
  async flush(from: number, to: number, region: string): Promise<void> {
    const marker = `marker-${Date.now()}-${Math.random()}`;
    await this.put(to, region, marker, 'm');
    await this.clients[from]!.remove(region, marker);
    await waitFor(`marker ${marker} removed on ${this.routes[to]}`, async () => (await this.clients[to]!.get(region, marker)) === undefined, this.timeoutMs);
  }

  /** A remove or an update on node 0 drops the entry on nodes 1 and 2; a new key's put and a local region do not propagate. */
  async checkPropagation(): Promise<void> {
    const { clients, routes } = this;
    for (const [i, c] of clients.entries()) {
      await this.put(i, 'User', 'u1', `old-${c.host}`);
      await this.put(i, 'User', 'u2', `old-${c.host}`);
      await this.put(i, 'OXMessageCache', 'm1', `old-${c.host}`);
    }
    await clients[0]!.remove('User', 'u1');
    for (const i of [1, 2]) await waitFor(`u1 gone on ${routes[i]}`, async () => (await clients[i]!.get('User', 'u1')) === undefined, this.timeoutMs);

    await this.put(0, 'User', 'u2', 'new');
    for (const i of [1, 2]) await waitFor(`updated u2 gone on ${routes[i]}`, async () => (await clients[i]!.get('User', 'u2')) === undefined, this.timeoutMs);
    assert.equal(await clients[0]!.get('User', 'u2'), 'new');

    await this.put(1, 'User', 'fresh', `on-${routes[1]}`);
    await this.put(0, 'User', 'fresh', `on-${routes[0]}`);
    await clients[0]!.remove('OXMessageCache', 'm1');
    await this.flush(0, 1, 'User');
    assert.equal(await clients[1]!.get('User', 'fresh'), `on-${routes[1]}`, `a put of a key new on ${routes[0]} was not propagated`);
    assert.equal(await clients[1]!.get('OXMessageCache', 'm1'), `old-${clients[1]!.host}`, 'OXMessageCache is not marked LTCP');
    assert.ok((await clients[0]!.stats('User')).invalidationsSent >= 2);
    assert.ok((await clients[2]!.stats('User')).invalidationsReceived >= 2);
  }
}
