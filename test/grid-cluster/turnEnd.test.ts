import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atTurnEnd, TurnStage } from '../../bundles/grid/spi/turnEnd.js';

test('turn-end work runs once the turn is over: batches first, then writes, including writes the batches queue', async () => {
  const order: string[] = [];
  atTurnEnd(TurnStage.WRITE, () => order.push('write queued first'));
  atTurnEnd(TurnStage.BATCH, () => {
    order.push('batch');
    atTurnEnd(TurnStage.WRITE, () => order.push('write queued by the batch'));
  });
  await Promise.resolve();
  atTurnEnd(TurnStage.BATCH, () => order.push('batch queued by a continuation'));
  assert.equal(order.length, 0, 'nothing runs before the turn ends');
  await new Promise<void>((resolve) => setImmediate(() => {
    order.push('next immediate');
    resolve();
  }));
  assert.deepEqual(order, ['batch', 'batch queued by a continuation', 'write queued first', 'write queued by the batch', 'next immediate']);
});

test('work queued in a later turn runs at the end of that turn', async () => {
  let runs = 0;
  atTurnEnd(TurnStage.WRITE, () => runs++);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(runs, 1);
  atTurnEnd(TurnStage.WRITE, () => runs++);
  atTurnEnd(TurnStage.WRITE, () => runs++);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(runs, 3);
});
