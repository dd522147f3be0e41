import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { HttpRequest } from '../../bundles/http/api.js';
import type { MBean } from '../../bundles/management/api.js';
import { ConsoleSampler } from '../../bundles/management/console/consoleSampler.js';
import { EventStreams } from '../../bundles/management/console/eventStreams.js';
import { Ring } from '../../bundles/management/console/ring.js';
import { DefaultMBeanServer } from '../../bundles/management/server/mbeanServer.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

/** A map MBean whose counters the test moves. */
function mapMBean(counters: { gets: number; latency: number; size: number }): MBean {
  const long = (name: string, get: () => number) => ({ name, type: 'long' as const, get });
  return {
    attributes: [
      { name: 'name', type: 'java.lang.String', get: () => 'orders' },
      long('localGetOperationCount', () => counters.gets),
      long('localTotalGetLatency', () => counters.latency),
      long('localOwnedEntryCount', () => counters.size),
    ],
    operations: [{ name: 'size', params: [], returnType: 'int', invoke: () => counters.size }],
  };
}

interface Snap { at: number; maps: { name: string; size: number | null; opsPerSec?: number; latencyMs?: number | null }[] }

/** A response stub that records what a stream writes and can pretend its socket buffer is full. */
class StubResponse extends EventEmitter {
  writableNeedDrain = false;
  readonly writes: string[] = [];
  ended = false;
  writeHead(): this { return this; }
  write(chunk: string): boolean { this.writes.push(chunk); return true; }
  end(): void { this.ended = true; this.emit('close'); }
}

const stubRequest = { remoteAddress: '127.0.0.1', raw: { socket: { setTimeout() {}, setNoDelay() {} } } } as unknown as HttpRequest;

describe('console sampler and event streams (in-process)', () => {
  it('keeps the latest items of a ring, oldest first', () => {
    const ring = new Ring<number>(3);
    const pushed: number[] = [];
    for (let i = 0; i < 7; i++) {
      ring.push(i * 10);
      pushed.push(i * 10);
      assert.deepEqual(ring.toArray(), pushed.slice(-3));
    }
  });

  it('derives ops/s and latency from the counters, and reads only while a console listens', async () => {
    const counters = { gets: 0, latency: 0, size: 5 };
    const server = new DefaultMBeanServer();
    server.register('com.hazelcast:type=IMap,instance=T,name=orders', mapMBean(counters));
    const { logger } = captureLogger();
    const sampler = new ConsoleSampler(server, logger, { intervalMs: 100, historyPoints: 4 });
    const seen: Snap[] = [];
    const unsubscribe = sampler.subscribe((text) => seen.push(JSON.parse(text) as Snap));
    await waitFor('a first snapshot', () => seen.length >= 1, 5000, 10);
    counters.gets += 50;
    counters.latency += 100;
    const before = seen.length;
    await waitFor('a snapshot with a rate', () => seen.slice(before).find((s) => (s.maps[0].opsPerSec ?? 0) > 0), 5000, 10);
    const withRate = seen.findIndex((s) => (s.maps[0].opsPerSec ?? 0) > 0);
    const [prev, cur] = [seen[withRate - 1], seen[withRate]];
    assert.ok(Math.abs(cur.maps[0].opsPerSec! - 50 / ((cur.at - prev.at) / 1000)) < 1e-6, JSON.stringify(cur.maps[0]));
    assert.equal(cur.maps[0].latencyMs, 100 / 50);
    assert.equal(cur.maps[0].size, counters.size);
    await waitFor('the ring full', () => (JSON.parse(sampler.history()) as { maps: { orders: unknown[] } }).maps.orders.length === 4, 5000, 10);
    await waitFor('more ticks', () => seen.length >= withRate + 6, 5000, 10);
    assert.equal((JSON.parse(sampler.history()) as { maps: { orders: unknown[] } }).maps.orders.length, 4, 'bounded by historyPoints');
    unsubscribe();
    assert.equal(sampler.consoles, 0);
    assert.equal(sampler.latest(), undefined, 'stopped with the last console');
    assert.equal(JSON.parse(sampler.history()).maps.orders, undefined, 'its rings dropped');
  });

  it('skips a snapshot for a stream whose socket buffer is full, and refuses streams beyond the cap', async () => {
    const server = new DefaultMBeanServer();
    server.register('com.hazelcast:type=IMap,instance=T,name=orders', mapMBean({ gets: 0, latency: 0, size: 1 }));
    const { logger, lines } = captureLogger();
    const sampler = new ConsoleSampler(server, logger, { intervalMs: 50, historyPoints: 10 });
    const streams = new EventStreams(sampler, logger, 2);
    const fast = new StubResponse();
    const stalled = new StubResponse();
    assert.equal(streams.attach(stubRequest, fast as unknown as ServerResponse), undefined);
    assert.equal(streams.attach(stubRequest, stalled as unknown as ServerResponse), undefined);
    assert.match(stalled.writes[0], /^retry: 2000\nevent: history\n/);
    const refused = streams.attach(stubRequest, new StubResponse() as unknown as ServerResponse);
    assert.equal(refused?.status, 503);
    assert.ok(lines.some((l) => /refused a live stream/.test(l)));
    await waitFor('snapshots on both streams', () => fast.writes.length >= 2 && stalled.writes.length >= 2, 5000, 5);
    stalled.writableNeedDrain = true;
    const stalledCount = stalled.writes.length;
    const fastCount = fast.writes.length;
    await waitFor('three more snapshots on the fast stream', () => fast.writes.length >= fastCount + 3, 5000, 5);
    assert.equal(stalled.writes.length, stalledCount, 'nothing written while the buffer is full');
    stalled.writableNeedDrain = false;
    await waitFor('the stalled stream gets snapshots again', () => stalled.writes.length > stalledCount, 5000, 5);
    stalled.emit('close');
    assert.equal(streams.count, 1);
    streams.closeAll();
    assert.ok(fast.ended);
    assert.equal(sampler.consoles, 0, 'the sampler stops with the last stream');
  });
});
