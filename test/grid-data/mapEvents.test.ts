import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pack } from 'msgpackr';
import winston from 'winston';
import type { EntryEvent, GridMember } from '../../bundles/grid/api.js';
import { MapEvents, Wanted } from '../../bundles/grid/map/mapEvents.js';
import type { ClusterSpi, MessageHandler } from '../../bundles/grid/spi/clusterSpi.js';

const logger = winston.createLogger({ silent: true });

/** Two members whose messages go straight to each other's handlers; every message is recorded. */
function twoMembers() {
  const sent: { to: string; service: string; payload: unknown }[] = [];
  const member = (id: string): GridMember => ({ id, address: `${id}:5701`, route: id, version: '2.0', lite: false, dataMember: true });
  const members = [member('a'), member('b')];
  const handlers = new Map<string, Map<string, MessageHandler>>();
  const spi = (local: GridMember): ClusterSpi => ({
    local,
    view: () => ({ version: 1, members }),
    isMaster: () => local.id === 'a',
    onMembershipChange: () => () => undefined,
    onConnectionLost: () => () => undefined,
    clusterState: () => 'ACTIVE',
    requireFeature: () => undefined,
    onClusterState: () => () => undefined,
    migrationAllowed: () => true,
    promotionAllowed: () => true,
    ownershipFenced: () => false,
    setMigrationCheck: () => undefined,
    send: (to, service, payload) => {
      sent.push({ to, service, payload });
      handlers.get(to)?.get(service)?.(local, payload);
    },
    request: () => Promise.reject(new Error('not used')),
    handle: (service, check, handler) => {
      if (!handlers.has(local.id)) handlers.set(local.id, new Map());
      handlers.get(local.id)!.set(service, (from, payload) => {
        assert.ok(check(payload), `${service}: ${check.explain(payload)}`);
        return handler(from, payload);
      });
    },
    onMerge: () => undefined,
    onBeforeLeave: () => undefined,
  });
  return { owner: new MapEvents(spi(members[0]), logger), listener: new MapEvents(spi(members[1]), logger), sent };
}

test('an owner sends a member only the event types it listens to, with values only when it asked', () => {
  const { owner, listener, sent } = twoMembers();
  const got: EntryEvent<unknown>[] = [];
  const stop = listener.add('sessions', { removed: (e) => got.push(e) }, false);
  assert.equal(owner.wanted('sessions', 'added'), Wanted.NONE);
  assert.equal(owner.wanted('sessions', 'removed'), Wanted.EVENT);
  assert.equal(owner.wanted('other', 'removed'), Wanted.NONE);

  sent.length = 0;
  owner.emit('sessions', 'added', 'k', pack('v'), undefined);
  owner.emit('sessions', 'removed', 'k', undefined, pack('v'));
  assert.deepEqual(sent.map((s) => (s.payload as unknown[]).slice(0, 5)), [['sessions', 'removed', 'k', undefined, undefined]]);
  assert.deepEqual(got.map((e) => [e.type, e.key, e.oldValue]), [['removed', 'k', undefined]]);

  const withValues: EntryEvent<unknown>[] = [];
  listener.add('sessions', { updated: (e) => withValues.push(e) }, true);
  assert.equal(owner.wanted('sessions', 'updated'), Wanted.VALUES);
  owner.emit('sessions', 'updated', 'k', pack('new'), pack('old'));
  assert.deepEqual(withValues.map((e) => [e.value, e.oldValue]), [['new', 'old']]);

  stop();
  assert.equal(owner.wanted('sessions', 'removed'), Wanted.NONE, 'the removed-only listener is gone');
  assert.equal(owner.wanted('sessions', 'updated'), Wanted.VALUES);
});
