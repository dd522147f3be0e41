import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterStats } from '../../bundles/management/cli/clusterStats.js';
import type { NodeProcess } from '../support/nodeProcess.js';
import { killAll } from '../support/nodeProcess.js';
import { repoRoot } from '../support/paths.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { CREDENTIALS, jolokiaUrl, managementNode } from './managementNode.js';

// A three-node cluster on 127.0.8.31-33, read with `oxk stats -c` and `showruntimestats -c`.
const ADDRESSES = ['127.0.8.31', '127.0.8.32', '127.0.8.33'];
const GRID = ADDRESSES.map((a) => `${a}:5701`);
const AUTH = ['--user', CREDENTIALS.user, '--password', CREDENTIALS.password];

async function stats(address: string): Promise<ClusterStats> {
  const r = await runOxk(['stats', '-c', '--json', '--url', jolokiaUrl(address), ...AUTH]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ClusterStats;
}

describe('oxk stats -c against a three-node cluster', () => {
  const config = tempConfig();
  const nodes: NodeProcess[] = [];

  before(async () => {
    for (const [i, address] of ADDRESSES.entries()) {
      nodes.push(managementNode({ configDir: config.dir, address, route: `OX3${i + 1}`, cluster: GRID }));
    }
    await Promise.all(nodes.map((n) => n.ready(40_000)));
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('shows three members whose owned partitions add up to 271', async () => {
    const s = await waitFor('three members, cluster safe, 271 owned partitions', async () => {
      const seen = await stats(ADDRESSES[1]);
      const owned = seen.members.reduce((n, m) => n + m.ownedPartitions, 0);
      return seen.members.length === 3 && seen.cluster?.clusterSafe && owned === 271 ? seen : undefined;
    }, 45_000, 250);
    assert.equal(s.route, 'OX32');
    assert.equal(s.cluster?.memberCount, 3);
    assert.equal(s.cluster?.partitionCount, 271);
    assert.deepEqual(s.members.map((m) => m.address).sort(), GRID);
    assert.deepEqual(s.members.map((m) => m.route).sort(), ['OX31', 'OX32', 'OX33']);
    assert.equal(s.members.filter((m) => m.master).length, 1);
    assert.equal(s.members.find((m) => m.master)?.address, s.cluster?.master);
    assert.deepEqual(s.members.filter((m) => m.local).map((m) => m.route), ['OX32']);
    assert.ok(s.members.every((m) => m.kind === 'data' && m.ownedPartitions > 0 && m.backupPartitions > 0), JSON.stringify(s.members));
    const backups = s.members.reduce((n, m) => n + m.backupPartitions, 0);
    assert.equal(backups % 271, 0, `every partition has the same number of backups (${backups} replicas)`);
    assert.ok(s.maps.some((m) => m.name === 'sessions'), `maps: ${s.maps.map((m) => m.name).join(', ')}`);
    assert.ok(s.cacheRegions.length > 0, 'the cache regions from cache.ccf');
  });

  it('prints an aligned table, also as showruntimestats -c', async () => {
    const viaOxk = await runOxk(['stats', '-c', '--url', jolokiaUrl(ADDRESSES[0]), ...AUTH]);
    assert.equal(viaOxk.code, 0, viaOxk.stderr);
    const lines = viaOxk.stdout.split('\n');
    const header = lines.findIndex((l) => /^address\s+route\s+version\s+master\s+type\s+owned\s+backups/.test(l));
    assert.ok(header >= 0, viaOxk.stdout);
    const rows = lines.slice(header + 1, header + 4);
    assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]).sort(), GRID);
    const ownedColumnEnd = lines[header].indexOf('owned') + 'owned'.length;
    assert.ok(rows.every((r) => /\d/.test(r[ownedColumnEnd - 1]) && r[ownedColumnEnd] === ' '), `numbers right-aligned under "owned":\n${rows.join('\n')}`);
    assert.match(viaOxk.stdout, /^cluster safe\s+yes$/m);
    assert.match(viaOxk.stdout, /^partitions owned: 271 of 271/m);

    const viaBin = await runOxk(['-c', '--url', jolokiaUrl(ADDRESSES[0]), ...AUTH], { bin: join(repoRoot, 'dist', 'cli', 'showruntimestats.js') });
    assert.equal(viaBin.code, 0, viaBin.stderr);
    assert.match(viaBin.stdout, /^partitions owned: 271 of 271/m);
  });

  it('takes the URL and credentials from --config, shows the node without -c, and fails clearly on wrong credentials', async () => {
    const nodeConfig = tempConfig({
      'server.properties': `com.openexchange.connector.networkListenerHost=${ADDRESSES[2]}\ncom.openexchange.connector.networkListenerPort=8009\n`,
      'management.properties': `com.openexchange.jolokia.user=${CREDENTIALS.user}\ncom.openexchange.jolokia.password=${CREDENTIALS.password}\n`,
    });
    try {
      const r = await runOxk(['stats', '-c', '--json', '--config', nodeConfig.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as ClusterStats).route, 'OX33');
    } finally {
      nodeConfig.remove();
    }
    const node = await runOxk(['stats', '--json', '--url', jolokiaUrl(ADDRESSES[2]), ...AUTH]);
    assert.equal(node.code, 0, node.stderr);
    const view = JSON.parse(node.stdout) as { route: string; bundles: Record<string, string> };
    assert.deepEqual([view.route, view.bundles.management, view.bundles.grid], ['OX33', 'ACTIVE', 'ACTIVE']);
    const wrong = await runOxk(['stats', '-c', '--url', jolokiaUrl(ADDRESSES[2]), '--user', CREDENTIALS.user, '--password', 'nope']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the credentials \(401\)/);
    const nobody = await runOxk(['stats', '-c', '--url', 'http://127.0.8.39:8009/monitoring/jolokia', ...AUTH]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /cannot reach Jolokia at http:\/\/127\.0\.8\.39:8009/);
  });
});
