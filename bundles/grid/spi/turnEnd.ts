/**
 * Work deferred to the end of the current event-loop turn (one setImmediate, after every I/O
 * callback of the turn), in stages: the data layer's batchers first, then the connections' socket
 * writes. So everything one turn produces for a peer (answers, batched operations, backups, acks)
 * leaves in a single write. A write that wakes a sleeping peer costs (measured on loopback) as much
 * CPU as handling several operations, so fewer, fuller writes are what makes the grid fast.
 */
export const TurnStage = { BATCH: 0, WRITE: 1 } as const;
export type TurnStage = (typeof TurnStage)[keyof typeof TurnStage];

const queues: (() => void)[][] = [[], []];
let scheduled = false;

export function atTurnEnd(stage: TurnStage, work: () => void): void {
  queues[stage].push(work);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runTurnEnd);
  }
}

function runTurnEnd(): void {
  let failure: unknown;
  let stage: number;
  // Work queued while this runs (a batch's frame queues its connection's write) runs in this pass too.
  while ((stage = queues.findIndex((q) => q.length > 0)) !== -1) {
    const queue = queues[stage];
    queues[stage] = [];
    for (const work of queue) {
      try {
        work();
      } catch (err) {
        failure ??= err;
      }
    }
  }
  scheduled = false;
  // One failing callback must not keep the others' messages from being sent; its error still surfaces.
  if (failure !== undefined) throw failure;
}
