import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DistributedMap, EntryListener } from '../../bundles/grid/api.js';
import type { StoredSession } from '../../bundles/sessiond/api.js';
import { GridSessionStorage } from '../../bundles/sessionstorage-grid/gridSessionStorage.js';
import { findSessionsMap } from '../../bundles/sessionstorage-grid/mapConfig.js';
import { ConfigFolder } from '../../core/config/configFolder.js';
import { captureLogger } from '../support/captureLogger.js';
import { killAll } from '../support/nodeProcess.js';
import { defaultConfigDir } from '../support/paths.js';
import { sessionNode } from '../support/sessionNodes.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses of this file: 127.0.6.61 and 127.0.6.62.

/** The map settings of Open-Xchange's stock hazelcast/sessions.properties, as operators have it. */
const OX_STOCK = `# Configuration file for the 'sessions' distributed map.
com.openexchange.hazelcast.configuration.map.backupCount=1
com.openexchange.hazelcast.configuration.map.asyncBackupCount=0
com.openexchange.hazelcast.configuration.map.readBackupData=true
# The name of the map. Don't change this on your own.
com.openexchange.hazelcast.configuration.map.name=sessions-6
com.openexchange.hazelcast.configuration.map.maxIdleSeconds=640000
com.openexchange.hazelcast.configuration.map.indexes.attributes=altId
`;

function folder(files: Record<string, string>): { files: ConfigFolder; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-sessions-cfg-'));
  mkdirSync(join(dir, 'hazelcast'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return { files: ConfigFolder.load(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('sessionstorage-grid: the sessions map configuration', () => {
  it('our config/hazelcast/sessions.properties: map "sessions", maxIdleSeconds 640000, backup 1', () => {
    const files = ConfigFolder.load(defaultConfigDir);
    const { config, notes } = findSessionsMap(files.under('hazelcast/'));
    assert.deepEqual(notes, []);
    assert.equal(config.name, 'sessions');
    assert.match(config.origin, /^hazelcast\/sessions\.properties:\d+$/);
    assert.equal(config.maxIdleSeconds?.value, 640000);
    const file = files.file('hazelcast/sessions.properties')!;
    const prefix = 'com.openexchange.hazelcast.configuration.map.';
    assert.deepEqual(['backupCount', 'asyncBackupCount', 'readBackupData'].map((k) => file.get(prefix + k)?.value), ['1', '0', 'true']);
  });

  it('the stock Open-Xchange file loads unchanged and names the versioned map sessions-6', () => {
    const f = folder({ 'hazelcast/sessions.properties': OX_STOCK });
    try {
      const { config, notes } = findSessionsMap(f.files.under('hazelcast/'));
      assert.deepEqual(notes, []);
      assert.deepEqual(config, { name: 'sessions-6', origin: 'hazelcast/sessions.properties:6', maxIdleSeconds: { value: 640000, origin: 'hazelcast/sessions.properties:7' } });
    } finally {
      f.remove();
    }
  });

  it('falls back to map "sessions" with a note when no file configures it, and reports a bad maxIdleSeconds', () => {
    const none = folder({ 'hazelcast/other.properties': 'com.openexchange.hazelcast.configuration.map.name=cache\n' });
    const bad = folder({ 'hazelcast/sessions.properties': 'com.openexchange.hazelcast.configuration.map.name=sessions\ncom.openexchange.hazelcast.configuration.map.maxIdleSeconds=a week\n' });
    try {
      const a = findSessionsMap(none.files.under('hazelcast/'));
      assert.equal(a.config.name, 'sessions');
      assert.equal(a.config.origin, 'default');
      assert.match(a.notes[0], /no map named "sessions"/);
      const b = findSessionsMap(bad.files.under('hazelcast/'));
      assert.equal(b.config.maxIdleSeconds, undefined);
      assert.match(b.notes[0], /hazelcast\/sessions\.properties:2 .*maxIdleSeconds: "a week" is not a whole number/);
    } finally {
      none.remove();
      bad.remove();
    }
  });
});

/** A map that fails its first `failures` operations, like a grid whose partition owner just died. */
class FlakyMap {
  readonly name = 'sessions';
  readonly data = new Map<string, unknown>();
  readonly listeners: EntryListener<StoredSession>[] = [];
  calls = 0;
  constructor(public failures: number) {}

  private async op<T>(f: () => T): Promise<T> {
    this.calls++;
    if (this.failures-- > 0) throw new Error('partition 17 owner left');
    return f();
  }

  get(key: string) { return this.op(() => this.data.get(key)); }
  set(key: string, value: unknown) { return this.op(() => { this.data.set(key, value); }); }
  replace(key: string, value: unknown) { return this.op(() => { const old = this.data.get(key); if (old !== undefined) this.data.set(key, value); return old; }); }
  remove(key: string) {
    return this.op(() => {
      const old = this.data.get(key);
      this.data.delete(key);
      if (old) for (const l of this.listeners) l.removed?.({ type: 'removed', map: this.name, key, member: 'm1' });
      return old;
    });
  }
  addEntryListener(l: EntryListener<StoredSession>) { this.listeners.push(l); return () => undefined; }
}

const session: StoredSession = { id: 'a'.repeat(32), secret: 'b'.repeat(32), user: 'alice', client: 'web', createdAt: 1, lastAccess: 2, origin: 'OX1' };

describe('sessionstorage-grid: GridSessionStorage', () => {
  const storage = (map: FlakyMap, retryForMs: number) => {
    const log = captureLogger();
    return { log, storage: new GridSessionStorage(map as unknown as DistributedMap<StoredSession>, log.logger, retryForMs) };
  };

  it('retries while the grid recovers, and stores, reads and removes sessions', async () => {
    const map = new FlakyMap(3);
    const { storage: s, log } = storage(map, 10_000);
    assert.equal(await s.touch(session), false, 'touch does not create');
    assert.equal(map.data.size, 0);
    await s.put(session);
    assert.deepEqual(await s.get(session.id), session);
    assert.equal(await s.touch({ ...session, lastAccess: 3 }), true);
    assert.equal((await s.get(session.id))?.lastAccess, 3);
    const removed: string[] = [];
    s.onRemoved((id) => removed.push(id));
    assert.equal(await s.remove(session.id), true);
    assert.equal(await s.remove(session.id), false);
    assert.deepEqual(removed, [session.id]);
    assert.equal(await s.get(session.id), undefined);
    assert.equal(log.lines.filter((l) => /^debug: .*touch of session aaaaaaaa… failed \(partition 17 owner left\); retrying$/.test(l)).length, 3);
  });

  it('reports a session the grid evicted or expired as removed, like a logout', async () => {
    const map = new FlakyMap(0);
    const { storage: s } = storage(map, 1000);
    const removed: string[] = [];
    s.onRemoved((id) => removed.push(id));
    for (const l of map.listeners) {
      l.evicted?.({ type: 'evicted', map: map.name, key: 'e'.repeat(32), member: 'm1' });
      l.expired?.({ type: 'expired', map: map.name, key: 'f'.repeat(32), member: 'm1' });
      l.updated?.({ type: 'updated', map: map.name, key: 'g'.repeat(32), member: 'm1' });
    }
    assert.deepEqual(removed, ['e'.repeat(32), 'f'.repeat(32)]);
  });

  it('gives up after its deadline with the map, the operation and the cause', async () => {
    const { storage: s } = storage(new FlakyMap(1_000_000), 300);
    await assert.rejects(s.get(session.id), /grid map "sessions": get of session aaaaaaaa… failed after \d+ attempt\(s\): partition 17 owner left/);
  });

  it('ignores entries that are not sessions, with a warning', async () => {
    const map = new FlakyMap(0);
    map.data.set(session.id, { id: session.id, user: 42 });
    const { storage: s, log } = storage(map, 1000);
    assert.equal(await s.get(session.id), undefined);
    assert.ok(log.lines.some((l) => /^warn: .*is not a session/.test(l)));
  });
});

describe('sessionstorage-grid in a running node', () => {
  const configs: { remove(): void }[] = [];
  after(async () => {
    await killAll();
    for (const c of configs) c.remove();
  });

  it('loads the stock Open-Xchange file (map sessions-6), and warns when maxIdleSeconds is below sessionLongLifeTime', async () => {
    const stock = tempConfig({ 'hazelcast/sessions.properties': OX_STOCK });
    const short = tempConfig({ 'hazelcast/sessions.properties': OX_STOCK.replace('maxIdleSeconds=640000', 'maxIdleSeconds=600') });
    configs.push(stock, short);
    const a = sessionNode({ configDir: stock.dir, address: '127.0.6.61', route: 'OX61' });
    const b = sessionNode({ configDir: short.dir, address: '127.0.6.62', route: 'OX62', set: { 'com.openexchange.sessiond.sessionLongLifeTime': '2D' } });
    await Promise.all([a.ready(30_000), b.ready(30_000)]);
    assert.match(await a.waitForLine(/sessionstorage-grid.*sessions in grid map/), /sessions in grid map "sessions-6" \(hazelcast\/sessions\.properties:6\)/);
    assert.deepEqual(a.lines.filter((l) => /maxIdleSeconds/.test(l)), []);
    const warning = await b.waitForLine(/WARN .*maxIdleSeconds/);
    // sessiond owns sessionLongLifeTime: it checks the storage's eviction (maxIdle) against it.
    assert.match(warning, /\[sessiond@OX62\] hazelcast\/sessions\.properties:7 maxIdleSeconds=600 of grid map "sessions-6" is below com\.openexchange\.sessiond\.sessionLongLifeTime \(172800 s, --set\)/);
  });
});
