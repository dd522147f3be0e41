import { objectNameValue } from '../../bundles/management/api.js';
import { gridNode, waitForMembers, gridHealth } from './gridNodes.js';
import { jolokiaSettings, readAttribute } from './jolokia.js';
import type { LegacyBuild } from './legacyBuild.js';
import type { NodeProcess } from './nodeProcess.js';
import { runOxk } from './runCli.js';
import { waitFor } from './waitFor.js';

/**
 * A three-node cluster whose nodes run either an earlier release's build or this one, for rolling
 * upgrades inside one grid major: the routes map to loopback addresses of the test's own range.
 */
export class ReleaseCluster {
  readonly nodes = new Map<string, NodeProcess>();
  readonly hosts: string[];

  constructor(
    private readonly addresses: Record<string, string>,
    private readonly group: string,
    private readonly configDir: string,
    private readonly previous: () => LegacyBuild,
    readonly entries: number,
  ) {
    this.hosts = Object.values(addresses);
  }

  address(route: string): string {
    return this.addresses[route]!;
  }

  /** Starts `route` on the earlier release or on this build (not yet ready). */
  start(route: string, build: 'previous' | 'current'): NodeProcess {
    const old = build === 'previous' ? this.previous() : undefined;
    const n = gridNode({
      configDir: old?.configDir ?? this.configDir, bin: old?.bin, address: this.address(route), route, staticNodes: this.hosts,
      set: { 'com.openexchange.hazelcast.group.name': this.group, ...jolokiaSettings },
    });
    this.nodes.set(route, n);
    return n;
  }

  /** `oxk map load|verify` of the test map `mixed` through the member at `via` (as a client). */
  map(via: string, command: 'load' | 'verify') {
    return runOxk(['map', '--connect', via, '--group', this.group, '--password', 'test-secret', 'mixed', command, '--count', String(this.entries)], { timeoutMs: 120_000 });
  }

  memberBean(observer: string, address: string): string {
    return `com.hazelcast:type=Member,instance=${observer},name=${objectNameValue(`${address}:5701`)}`;
  }

  /** Resolves once `observer` has heard `rounds` fresh heartbeats from every other member (it sends its own on the same timer). */
  async heartbeatRounds(observer: string, others: string[], rounds: number): Promise<void> {
    const seen = new Map<string, { last: number; resets: number }>(others.map((a) => [a, { last: Infinity, resets: 0 }]));
    await waitFor(`${rounds} heartbeat rounds between ${observer} and ${others.join(', ')}`, async () => {
      for (const address of others) {
        const age = await readAttribute<number>(this.address(observer), this.memberBean(observer, address), 'heartbeatAgeMs');
        const s = seen.get(address)!;
        if (age < s.last) s.resets += 1;
        s.last = age;
      }
      return [...seen.values()].every((s) => s.resets > rounds);
    }, 30_000, 100);
  }

  /** Log lines of `route` in which it refused a message as malformed or as a protocol violation. */
  refusals(route: string): string[] {
    return this.nodes.get(route)!.lines.filter((l) => /malformed|violat/i.test(l));
  }

  /** Replaces each of `routes`, one at a time, with this build, as `oxk upgrade` does: stop, start, joined, safe. */
  async replaceWithThisBuild(routes: string[], watcher: string): Promise<void> {
    for (const route of routes) {
      await this.nodes.get(route)!.stop(30_000);
      await this.start(route, 'current').ready(30_000);
      await waitForMembers(this.hosts, 3, 30_000);
      await waitFor(`cluster safe after ${route} came back`, async () => (await gridHealth(this.address(watcher)))?.grid?.clusterSafe === true, 60_000, 100);
    }
  }
}
