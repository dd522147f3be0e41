import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { GridMember, PartitionLostEvent } from '../../bundles/grid/api.js';
import { PARTITION_LOST_SERVICE, PartitionLoss } from '../../bundles/grid/partition/partitionLoss.js';
import type { ClusterSpi, MessageHandler } from '../../bundles/grid/spi/clusterSpi.js';
import type { WireCheck } from '../../bundles/grid/spi/wireSchema.js';
import { captureLogger } from '../support/captureLogger.js';
import { fuzzOptions } from '../support/fuzz.js';

const master: GridMember = { id: 'm', address: '127.0.0.1:5701', route: 'OX1', version: '3.0', lite: false, dataMember: true };

/** A member's PartitionLoss with the check and handler of `grid.partitionLost` in reach, delivered as messaging does. */
function member() {
  const handlers = new Map<string, { check: WireCheck<unknown>; handler: MessageHandler<unknown> }>();
  const spi = {
    local: { ...master, id: 'me', address: '127.0.0.2:5701' },
    view: () => ({ version: 1, members: [master] }),
    onMembershipChange: () => () => undefined,
    handle: (service: string, check: WireCheck<unknown>, handler: MessageHandler<unknown>) => handlers.set(service, { check, handler }),
  } as unknown as ClusterSpi;
  const { logger, lines } = captureLogger();
  const loss = new PartitionLoss(spi, { maps: () => [], topics: () => [], partitionCount: 271 }, logger);
  const heard: PartitionLostEvent[] = [];
  loss.onLost((e) => heard.push(e));
    // Messaging drops a payload that fails the service's check (and the sender's connection) before the handler.
  const deliver = (payload: unknown): boolean => {
    const { check, handler } = handlers.get(PARTITION_LOST_SERVICE)!;
    if (!check(payload)) return false;
    void handler(master, payload);
    return true;
  };
  return { deliver, loss, heard, lines };
}

const structure = fc.record({ name: fc.string({ maxLength: 20 }), partitions: fc.array(fc.nat(270), { maxLength: 5 }) });
const validEvent = fc.record({
  partitions: fc.uniqueArray(fc.nat(270), { minLength: 1, maxLength: 20 }),
  maps: fc.array(structure, { maxLength: 3 }),
  topics: fc.array(structure, { maxLength: 3 }),
  lostMembers: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
  detectedBy: fc.string({ maxLength: 30 }),
  time: fc.integer({ min: 0, max: 2 ** 45 }),
});

test('a partition-lost message of any shape: a valid one is counted and heard once, anything else is refused by its check, nothing throws', () => {
  fc.assert(fc.property(fc.oneof(validEvent, fc.anything(), validEvent.chain((e) => fc.constantFrom<unknown>(
    { ...e, partitions: [-1] }, { ...e, time: 'now' }, { ...e, maps: [{ name: 1 }] }, { ...e, lostMembers: null },
  ))), (payload) => {
    const m = member();
    let delivered = false;
    assert.doesNotThrow(() => { delivered = m.deliver(payload); });
    assert.doesNotThrow(() => m.deliver(payload));
    const valid = m.heard.length === 1;
    assert.equal(delivered, valid, 'what the check passes is what the handler counts');
    if (valid) {
      assert.equal(m.loss.stats().partitionsLost, (payload as PartitionLostEvent).partitions.length, 'a repeat is not counted twice');
    } else {
      assert.equal(m.heard.length, 0);
      assert.equal(m.loss.stats().partitionsLost, 0);
    }
  }), fuzzOptions());
});

test('every well-formed event is accepted', () => {
  fc.assert(fc.property(validEvent, (event) => {
    const m = member();
    m.deliver(event);
    assert.deepEqual(m.heard, [event]);
  }), fuzzOptions());
});
