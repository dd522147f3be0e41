import type { DriverAnswer, DriverClient } from './driverClient.js';
import type { FinalRecord, HistoryWriter, OpName, OpRecord } from './history.js';
import type { Rng } from './rng.js';
import { valueOf, versionOf } from './values.js';

export interface WorkloadOptions {
  putMap: string;
  casMap: string;
  /** Shared keys `s0..s<n-1>` for compare-and-set. */
  sharedKeys: number;
  /** Which loops each client runs: fresh keys with `put` (and reads), compare-and-set on shared keys (and reads). */
  loops: ('put' | 'cas')[];
  /** Pause between one loop's operations, ms: keeps the load steady on a small machine. */
  pauseMs: number;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Client loops writing through every member (each loop bound to one node), Jepsen style: an
 * operation with an unknown outcome ends its process, and the loop goes on as a new process.
 */
export class Workload {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly invokedKeys: string[] = [];
  private processes = 0;

  constructor(private readonly clients: DriverClient[], private readonly history: HistoryWriter, private readonly rng: Rng, private readonly options: WorkloadOptions, private readonly t0: number) {}

  private now(): number {
    return performance.now() - this.t0;
  }

  /** Runs one operation through `client` and records it. */
  async op(client: DriverClient, process: number, f: OpName, map: string, key: string, value: string | null, expected?: string): Promise<OpRecord> {
    const invoke = this.now();
    const params: Record<string, string> = { map, key };
    if (value !== null) params.value = value;
    if (expected !== undefined) params.expected = expected;
    const a: DriverAnswer = await client.call(f === 'get' ? 'GET' : 'POST', f, params);
    const ok = a.outcome === 'ok' && (f === 'get' || f === 'put' || a.body?.ok === true);
    const record: OpRecord = {
      type: 'op', process, node: client.route, f, map, key,
      value: f === 'get' ? (a.outcome === 'ok' ? (a.body?.value ?? null) : null) : value,
      invoke, complete: this.now(), outcome: a.outcome === 'ok' && !ok ? 'fail' : a.outcome,
    };
    if (expected !== undefined) record.expected = expected;
    if (typeof a.body?.existing === 'string') record.existing = a.body.existing;
    if (a.error) record.error = a.error;
    this.history.add(record);
    return record;
  }

  /** Creates the shared keys (putIfAbsent through the first client) before the loops start. */
  async seed(): Promise<void> {
    const client = this.clients[0]!;
    for (let k = 0; k < this.options.sharedKeys; k++) {
      const r = await this.op(client, this.processes, 'putIfAbsent', this.options.casMap, `s${k}`, valueOf(1, `seed.${k}`));
      if (r.outcome !== 'ok') throw new Error(`seeding shared key s${k} through ${client.route}: ${r.outcome} ${r.error ?? ''}`);
    }
    this.processes++;
  }

  start(clients: number[] = this.clients.map((_, i) => i)): void {
    this.running = true;
    const total = clients.length * this.options.loops.length;
    const first = this.processes;
    this.processes += total;
    let j = 0;
    for (const i of clients) {
      for (const kind of this.options.loops) this.loops.push(this.loop(kind, this.clients[i]!, first + j++, total));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(kind: 'put' | 'cas', client: DriverClient, process: number, stride: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const tag = `${process}.${n}`;
      const r = kind === 'put' ? await this.putStep(client, process, n, tag) : await this.casStep(client, process, tag);
      // An unknown outcome ends the process (it may still take effect); the loop goes on as a new one.
      if (r.some((x) => x.outcome === 'info')) process += stride;
      await delay(this.options.pauseMs);
    }
  }

  private async putStep(client: DriverClient, process: number, n: number, tag: string): Promise<OpRecord[]> {
    const { putMap } = this.options;
    if (n % 3 === 2 && this.invokedKeys.length) return [await this.op(client, process, 'get', putMap, this.rng.pick(this.invokedKeys), null)];
    const key = `p${tag}`;
    this.invokedKeys.push(key);
    return [await this.op(client, process, 'put', putMap, key, valueOf(1, tag))];
  }

  private async casStep(client: DriverClient, process: number, tag: string): Promise<OpRecord[]> {
    const { casMap } = this.options;
    const key = `s${this.rng.int(this.options.sharedKeys)}`;
    const read = await this.op(client, process, 'get', casMap, key, null);
    if (read.outcome !== 'ok') return [read];
    const write = read.value === null
      ? await this.op(client, process, 'putIfAbsent', casMap, key, valueOf(1, tag))
      : await this.op(client, process, 'cas', casMap, key, valueOf(versionOf(read.value) + 1, tag), read.value);
    return [read, write];
  }

  /** Reads every entry of `map` through `client` into the history. */
  async finalRead(client: DriverClient, map: string): Promise<FinalRecord> {
    const a = await client.call('GET', 'entries', { map });
    if (a.outcome !== 'ok' || !a.body?.entries) throw new Error(`final read of map ${map} through ${client.route}: ${a.outcome} ${a.error ?? ''}`);
    const record: FinalRecord = { type: 'final', map, node: client.route, time: this.now(), entries: a.body.entries };
    this.history.add(record);
    return record;
  }
}
