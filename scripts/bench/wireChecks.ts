import { Packr, Unpackr } from 'msgpackr';
import { isRequestFrame, isResponseFrame } from '../../bundles/grid/cluster/frameSchemas.js';
import { isMapBackup, isMapOp, mapAnswerCheck } from '../../bundles/grid/map/mapSchemas.js';
import { Op } from '../../bundles/grid/map/mapOps.js';
import { isAsyncBackupBatch, isOpBatch, isOpBatchAnswer } from '../../bundles/grid/partition/partitionSchemas.js';
import { type BenchRow, median } from './benchRow.js';

// In-process: the schema checks one map set meets on its way (request frame and batch on the owner,
// answer frame and batch on the caller, the backup batch on the backup), per operation in a batch
// of 64 as the map benchmark's 64 calls in flight make them; the peer is msgpack decoding and
// encoding those same frames, which the transport does for every operation anyway.
const BATCH = 64;
const ROUNDS = 7;
const ITERATIONS = 4000;

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const value = packr.pack('v'.repeat(300));
const members = ['4fcdb1fe-c6df-4413-beb4-6b88bc387b58', '679641a4-6be0-4fae-b1e0-78542ce313f7'];

const request = packr.pack([17, 'grid.ops', Array.from({ length: BATCH }, (_, i) => ['map', i % 271, [Op.SET, 'bench', `key-${i}`, value, 0], 1000 + i])]);
const response = packr.pack([17, true, Array.from({ length: BATCH }, () => [1, [undefined, [members[1]]]])]);
const backups = packr.pack(Array.from({ length: BATCH }, (_, i) => ['map', i % 271, ['s', 'bench', `key-${i}`, value, Date.now(), Date.now(), Date.now(), 0, 0], members[0], 1000 + i]));

function checkAll(req: unknown[], res: unknown[], bak: unknown[]): boolean {
  let ok = isRequestFrame(req) && isOpBatch(req[2]);
  for (const item of req[2] as unknown[][]) ok = isMapOp(item[2]) && ok;
  ok = isResponseFrame(res) && isOpBatchAnswer(res[2]) && ok;
  for (const r of res[2] as [number, [unknown]][]) ok = mapAnswerCheck([Op.SET])(r[1][0]) && ok;
  ok = isAsyncBackupBatch(bak) && ok;
  for (const item of bak as unknown[][]) ok = isMapBackup(item[2]) && ok;
  return ok;
}

/** ns per operation of `work` on one batch, median over the rounds. */
function perOperation(work: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) work();
    rounds.push(Number(process.hrtime.bigint() - start) / ITERATIONS / BATCH);
  }
  return median(rounds);
}

export async function run(): Promise<BenchRow[]> {
  const [req, res, bak] = [unpackr.unpack(request), unpackr.unpack(response), unpackr.unpack(backups)] as unknown[][];
  if (!checkAll(req, res, bak)) throw new Error('the benchmark batches do not pass their schemas');
  let sink = 0;
  const codec = () => {
    sink += (unpackr.unpack(request) as unknown[]).length + (unpackr.unpack(response) as unknown[]).length + (unpackr.unpack(backups) as unknown[]).length;
    sink += packr.pack(res).length;
  };
  const checks = () => {
    sink += checkAll(req, res, bak) ? 1 : 0;
  };
  perOperation(codec);
  perOperation(checks);
  const codecNs = perOperation(codec);
  const checksNs = perOperation(checks);
  if (sink === 0) throw new Error('nothing ran');
  return [{
    name: 'schema checks per map set (owner, caller, backup)', value: checksNs, unit: 'ns/op',
    peer: 'msgpack decode of the same frames + encode of the answer', peerValue: codecNs,
    note: `batches of ${BATCH}, 300-byte values, median of ${ROUNDS} rounds`,
  }];
}
