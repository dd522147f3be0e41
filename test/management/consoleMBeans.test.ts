import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { JOLOKIA_CREDENTIALS, execOperation, jolokia, readAttribute } from '../support/jolokia.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { runOxk } from '../support/runCli.js';
import { expectOk, SessionClient, usersFile } from '../support/sessionClient.js';
import { waitForCluster } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { managementNode } from './managementNode.js';

// The MBean data the web console reads, over Jolokia against three real nodes on 127.0.30.1-3.
const ADDRESSES = ['127.0.30.1', '127.0.30.2', '127.0.30.3'];
const ROUTES = ['OX301', 'OX302', 'OX303'];
const GRID = ADDRESSES.map((a) => `${a}:5701`);
const HEARTBEAT_MS = 1000;
const PARTITIONS = 271;
const instance = (route: string) => `com.hazelcast:type=HazelcastInstance,name=${route}`;
const partitionService = (route: string) => `com.hazelcast:type=PartitionService,instance=${route},name=${route}`;
const mapBean = (route: string, map: string) => `com.hazelcast:type=IMap,instance=${route},name=${map}`;
const SESSIOND = 'com.openexchange.sessiond:name=SessionD Toolkit';
const UPGRADE = 'com.openexchange.upgrade:type=RollingUpgrade';

interface PartitionRow { id: number; owner: string; backups: string[]; migrating: boolean }
interface EntryViewAnswer {
  found: boolean; key?: string; valuePreview?: string; valueBytes?: number; truncated?: boolean; ttlMs?: number; idleMs?: number; hits?: number;
  creationTime?: number; lastAccessTime?: number; lastUpdateTime?: number; owner?: string;
}
interface UserSession { sessionId: string; user: string; client: string; created: number; route: string }

const search = (host: string, pattern: string) => jolokia<string[]>(host, { type: 'search', mbean: pattern });
const putEntry = (...args: string[]) => runOxk(['map', '--connect', ADDRESSES[0], '--group', 'management-test', 'console', ...args], { timeoutMs: 60_000 });

/** The Member MBeans as one node shows them, by member address. */
async function members(host: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const name of await search(host, 'com.hazelcast:type=Member,*')) {
    const attrs = await jolokia<Record<string, unknown>>(host, { type: 'read', mbean: name });
    out.set(attrs.address as string, attrs);
  }
  return out;
}

function promtoolCheck(text: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`promtool (Debian package prometheus) did not run: ${r.error.message}`);
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('MBeans of the web console, over Jolokia on three nodes', { timeout: 300_000 }, () => {
  let config: { dir: string; remove(): void };
  const nodes: NodeProcess[] = [];
  const start = (i: number) => managementNode({ configDir: config.dir, address: ADDRESSES[i], route: ROUTES[i], cluster: GRID, credentials: JOLOKIA_CREDENTIALS });

  before(async () => {
    config = tempConfig({ 'users.properties': await usersFile({ alice: 'pw-alice', bob: 'pw-bob' }, 256) });
    for (let i = 0; i < 3; i++) nodes.push(start(i));
    await Promise.all(nodes.map((n) => n.ready(40_000)));
    await waitForCluster(ADDRESSES, 3, 45_000);
  });

  after(async () => {
    await killAll();
    config.remove();
  });

  it('Member: memory of a remote member from its heartbeats, heartbeat age within a few intervals, the local member live', async () => {
    const seen = await waitFor('three members with reported memory', async () => {
      const m = await members(ADDRESSES[0]);
      return m.size === 3 && [...m.values()].every((x) => (x.heapUsed as number) > 0) ? m : undefined;
    }, 20_000, 200);
    for (const [address, m] of seen) {
      assert.ok((m.heapTotal as number) >= (m.heapUsed as number), `${address}: heapTotal ${m.heapTotal} >= heapUsed ${m.heapUsed}`);
      assert.ok((m.rss as number) > (m.heapUsed as number), `${address}: rss ${m.rss} > heapUsed ${m.heapUsed}`);
      assert.equal(m.partitionGroup, '', 'no custom partition groups');
      if (m.localMember) assert.equal(m.heartbeatAgeMs, 0);
      else assert.ok((m.heartbeatAgeMs as number) >= 0 && (m.heartbeatAgeMs as number) < 4 * HEARTBEAT_MS, `${address}: heartbeat age ${m.heartbeatAgeMs} ms`);
    }
    assert.equal([...seen.values()].filter((m) => m.localMember).map((m) => m.address).join(), GRID[0]);
  });

  it('PartitionService: 271 rows whose owners and backups are live members and agree with ownedPartitionCounts; no migration; no groups', async () => {
    const route = ROUTES[1];
    const table = await waitFor('a settled table', async () => {
      const rows = await readAttribute<PartitionRow[]>(ADDRESSES[1], partitionService(route), 'partitionTable');
      const running = await readAttribute<number>(ADDRESSES[1], partitionService(route), 'migrationsRunning');
      return running === 0 && rows.every((r) => !r.migrating && r.owner !== '' && r.backups.length === 1) ? rows : undefined;
    }, 30_000, 200);
    assert.deepEqual(table.map((r) => r.id), Array.from({ length: PARTITIONS }, (_, i) => i));
    for (const r of table) {
      assert.ok(GRID.includes(r.owner), `partition ${r.id}: owner ${r.owner} is a member`);
      assert.ok(r.backups.every((b) => GRID.includes(b) && b !== r.owner), `partition ${r.id}: backups ${r.backups.join()} are other members`);
    }
    const counted = Object.fromEntries(GRID.map((a) => [a, table.filter((r) => r.owner === a).length]));
    assert.deepEqual(await readAttribute(ADDRESSES[1], partitionService(route), 'ownedPartitionCounts'), counted);
    assert.deepEqual(await readAttribute(ADDRESSES[1], partitionService(route), 'partitionGroups'), []);
  });

  it('HazelcastInstance: no clock-skew warning between members on one machine', async () => {
    assert.deepEqual(await readAttribute(ADDRESSES[2], instance(ROUTES[2]), 'clockSkewWarnings'), []);
  });

  it('IMap entryView: TTL, preview and owner of an entry, read remotely from its owner; not a hit itself; found:false for a missing key; a 100 KiB value is cut', async () => {
    const put = await putEntry('put', 'greeting', 'hello console', '--ttl', '60');
    assert.equal(put.code, 0, put.stderr);
    // A member shows a map's MBean once it holds some of it: the owner and the backup of this key do.
    const hosts = await waitFor('two members showing map "console"', async () => {
      const found = [];
      for (const [i, a] of ADDRESSES.entries()) if ((await search(a, mapBean(ROUTES[i], 'console'))).length > 0) found.push(i);
      return found.length === 2 ? found : undefined;
    }, 10_000, 100);
    const view = await execOperation<EntryViewAnswer>(ADDRESSES[hosts[0]], mapBean(ROUTES[hosts[0]], 'console'), 'entryView', 'greeting');
    assert.equal(view.found, true);
    assert.equal(view.key, 'greeting');
    assert.equal(view.valuePreview, 'hello console');
    assert.equal(view.truncated, false);
    assert.ok(view.valueBytes! > 'hello console'.length && view.valueBytes! < 32, `msgpack size ${view.valueBytes}`);
    assert.ok(view.ttlMs! > 0 && view.ttlMs! <= 60_000, `ttl left ${view.ttlMs} ms`);
    assert.ok(view.idleMs! >= 0 && view.idleMs! < 60_000, `idle ${view.idleMs} ms`);
    assert.deepEqual(hosts.map((i) => GRID[i]).filter((a) => a === view.owner), [view.owner], `owner ${view.owner} is one of the members holding the key`);
    assert.equal(view.hits, 0);
    assert.ok(view.creationTime! <= view.lastUpdateTime! && view.lastUpdateTime! <= Date.now());

    const backup = hosts.find((i) => GRID[i] !== view.owner)!;
    const remote = await execOperation<EntryViewAnswer>(ADDRESSES[backup], mapBean(ROUTES[backup], 'console'), 'entryView', 'greeting');
    assert.equal(remote.owner, view.owner, 'the backup holder asks the owner');
    assert.equal(remote.hits, 0, 'reading the view is not a hit');
    assert.equal(remote.lastAccessTime, view.lastAccessTime, 'nor an access');
    const get = await putEntry('get', 'greeting');
    assert.equal(get.code, 0, get.stderr);
    assert.equal((await execOperation<EntryViewAnswer>(ADDRESSES[backup], mapBean(ROUTES[backup], 'console'), 'entryView', 'greeting')).hits, 1, 'a get is a hit');

    assert.deepEqual(await execOperation(ADDRESSES[backup], mapBean(ROUTES[backup], 'console'), 'entryView', 'no such key'), { found: false });

    const big = 'x'.repeat(100 * 1024);
    assert.equal((await putEntry('put', 'big', big)).code, 0);
    const cut = await execOperation<EntryViewAnswer>(ADDRESSES[hosts[0]], mapBean(ROUTES[hosts[0]], 'console'), 'entryView', 'big');
    assert.equal(cut.truncated, true);
    assert.equal(cut.valuePreview, big.slice(0, 512));
    assert.ok(cut.valueBytes! > 100 * 1024, `size ${cut.valueBytes}`);
    assert.equal(cut.ttlMs, -1, 'no TTL');
  });

  it('SessionD Toolkit: a user\'s sessions from two nodes listed and ended everywhere; the secret is never shown', async () => {
    assert.equal(await readAttribute(ADDRESSES[2], SESSIOND, 'Storage'), 'grid');
    const clients = [0, 1].map((i) => new SessionClient(`http://${ADDRESSES[i]}:8009`));
    for (const c of clients) expectOk(await c.login('alice', 'pw-alice'), 'login of alice');
    const bob = new SessionClient(`http://${ADDRESSES[0]}:8009`);
    expectOk(await bob.login('bob', 'pw-bob'), 'login of bob');

    // Counted in the storage by node of login, asked on the node that holds none of them.
    assert.deepEqual(await execOperation(ADDRESSES[2], SESSIOND, 'countSessionsPerNode'), { [ROUTES[0]]: 2, [ROUTES[1]]: 1 });
    const listed = await execOperation<UserSession[]>(ADDRESSES[2], SESSIOND, 'listUserSessions', 'alice');
    assert.deepEqual(listed.map((s) => [s.sessionId, s.route]).sort(), [[clients[0].session, ROUTES[0]], [clients[1].session, ROUTES[1]]].sort());
    assert.ok(listed.every((s) => s.user === 'alice' && s.created > 0 && Object.keys(s).sort().join() === 'client,created,route,sessionId,user'), JSON.stringify(listed));
    const secrets = [...clients.flatMap((c) => [...c.cookies.values()]), ...bob.cookies.values()];
    const sessionEntry = await execOperation<EntryViewAnswer>(ADDRESSES[2], mapBean(ROUTES[2], 'sessions'), 'entryView', clients[0].session!);
    assert.match(sessionEntry.valuePreview!, /"user":"alice"/);
    for (const text of [JSON.stringify(listed), sessionEntry.valuePreview!]) {
      for (const secret of secrets) assert.ok(!text.includes(secret.split('.')[0]!), 'no cookie value or secret in what the MBeans show');
    }

    assert.equal(await execOperation(ADDRESSES[2], SESSIOND, 'clearUserSessions', 'alice'), 2);
    // Every node drops its copy on the storage's removal event, as after a logout on another node.
    const refused = (c: SessionClient) => waitFor(`the ended session of ${c.base} refused`, async () => [401, 403].includes((await c.whoami()).status), 10_000, 100);
    for (const c of clients) await refused(c);
    assert.deepEqual(await execOperation(ADDRESSES[0], SESSIOND, 'listUserSessions', 'alice'), []);
    expectOk(await bob.whoami(), 'bob\'s session is untouched');
    // The count is at most 5 s old (one scan for every caller in that time), then follows the storage.
    await waitFor('alice\'s ended sessions gone from the count', async () => JSON.stringify(await execOperation(ADDRESSES[2], SESSIOND, 'countSessionsPerNode')) === JSON.stringify({ [ROUTES[0]]: 1 }), 10_000, 250);
    assert.equal(await execOperation(ADDRESSES[1], SESSIOND, 'clearSession', 'f'.repeat(32)), false);
    assert.equal(await execOperation(ADDRESSES[1], SESSIOND, 'clearSession', bob.session!), true);
    await refused(bob);
  });

  it('Topic: the cache invalidation topic has a subscriber on every node, caught up', async () => {
    const [topic] = await search(ADDRESSES[0], `com.hazelcast:type=Topic,instance=${ROUTES[0]},*`);
    assert.ok(topic, 'a topic MBean');
    assert.ok(await readAttribute<number>(ADDRESSES[0], topic, 'subscriberCount') >= 1);
    // Invalidations of the logins above may still be on their way: caught up within a few reads.
    await waitFor('the subscribers caught up', async () => (await readAttribute<number>(ADDRESSES[0], topic, 'subscriberLag')) === 0, 10_000, 100);
  });

  it('RollingUpgrade: a report shows on every member, outlives the member that took it, and a malformed one is a 400', async () => {
    const progress = {
      state: 'running', startedAt: Date.now() - 1000, updatedAt: Date.now(), step: '[2/9] OX301: disable it in balancer-manager',
      nodes: ROUTES.map((route, i) => ({ route, state: i === 0 ? 'upgrading' : 'pending', message: i === 0 ? 'disable it in balancer-manager' : '' })), error: '',
    };
    assert.deepEqual(await readAttribute(ADDRESSES[0], UPGRADE, 'Progress'), { state: 'idle', startedAt: 0, updatedAt: 0, step: '', nodes: [], error: '' });
    await execOperation(ADDRESSES[0], UPGRADE, 'report', JSON.stringify(progress));
    for (const a of ADDRESSES) {
      await waitFor(`the progress on ${a}`, async () => JSON.stringify(await readAttribute(a, UPGRADE, 'Progress')) === JSON.stringify(progress), 10_000, 100);
    }
    for (const bad of ['not json', JSON.stringify({ ...progress, state: 'dancing' }), JSON.stringify({ ...progress, extra: 1 })]) {
      await assert.rejects(execOperation(ADDRESSES[1], UPGRADE, 'report', bad), /: 400 /);
    }
    await nodes[0].kill();
    await waitForCluster(ADDRESSES.slice(1), 2, 30_000);
    nodes[0] = start(0);
    await nodes[0].ready(40_000);
    await waitFor('the restarted member shows the progress', async () => JSON.stringify(await readAttribute(ADDRESSES[0], UPGRADE, 'Progress')) === JSON.stringify(progress), 20_000, 200);
  });

  it('/metrics with the new attributes passes promtool; oxk stats -c still works', async () => {
    const text = await (await fetch(`http://${ADDRESSES[1]}:8009/metrics`)).text();
    assert.match(text, /^com_hazelcast_member_heap_used\{/m);
    assert.match(text, /^com_hazelcast_member_heartbeat_age_seconds\{/m);
    assert.match(text, /^com_hazelcast_partition_service_migrations_running\{/m);
    const check = promtoolCheck(text);
    assert.equal(check.code, 0, check.output);
    const stats = await runOxk(['stats', '-c', '--json', '--url', `http://${ADDRESSES[1]}:8009/monitoring/jolokia`, '--user', JOLOKIA_CREDENTIALS.user, '--password', JOLOKIA_CREDENTIALS.password]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.ok((JSON.parse(stats.stdout) as { maps: { name: string }[] }).maps.some((m) => m.name === 'console'));
  });
});
