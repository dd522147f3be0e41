import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Outcomes as Jepsen names them: `ok` happened, `fail` definitely did not, `info` is unknown
 * (timeout, connection lost), `refused` definitely did not because the grid refused it (split-brain
 * protection).
 */
export type Outcome = 'ok' | 'fail' | 'info' | 'refused';

export type OpName = 'put' | 'get' | 'cas' | 'putIfAbsent';

/** One client operation: one line of the history file. Times are ms since the run started. */
export interface OpRecord {
  type: 'op';
  process: number;
  /** Route of the member the operation ran in. */
  node: string;
  f: OpName;
  map: string;
  key: string;
  /** The value written, or for `get` the value read (null: absent). */
  value: string | null;
  /** `cas` only: the value it compared with. */
  expected?: string;
  /** `putIfAbsent` that found a value: that value. */
  existing?: string;
  invoke: number;
  complete: number;
  outcome: Outcome;
  error?: string;
}

export type FaultName = 'kill' | 'pause' | 'term' | 'partition-one' | 'partition-halves' | 'partition-master' | 'partition-bridge';
export const FAULTS: readonly FaultName[] = ['kill', 'pause', 'term', 'partition-one', 'partition-halves', 'partition-master', 'partition-bridge'];

/** The nemesis: `start` when the fault is injected, `heal` when it is undone, `safe` once /health says cluster safe again. */
export interface NemesisRecord {
  type: 'nemesis';
  fault: FaultName;
  phase: 'start' | 'heal' | 'safe' | 'unsafe';
  /** Routes the fault acted on (for partitions: the first side). */
  nodes: string[];
  time: number;
  /** `safe`: ms from heal to cluster safe. `unsafe`: how long it waited in vain. */
  ms?: number;
  /** `heal`: whether /health showed the fault before it was healed. */
  noticed?: boolean;
}

/** The read of every entry of `map` after the last heal. */
export interface FinalRecord {
  type: 'final';
  map: string;
  node: string;
  time: number;
  entries: Record<string, string>;
}

export interface RunRecord {
  type: 'run';
  seed: number;
  startedAt: string;
  nodes: string[];
  putMap: string;
  casMap: string;
  options: Record<string, unknown>;
}

export interface EndRecord {
  type: 'end';
  time: number;
}

export type HistoryRecord = OpRecord | NemesisRecord | FinalRecord | RunRecord | EndRecord;

/** Appends records to a JSON-lines file as they happen, so a crashed run still leaves its history. */
export class HistoryWriter {
  readonly records: HistoryRecord[] = [];

  constructor(readonly file: string) {
    writeFileSync(file, '');
  }

  add(record: HistoryRecord): void {
    this.records.push(record);
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

export interface ParsedHistory {
  records: HistoryRecord[];
  /** Why the history is not whole (an incomplete last line, no end record, a line that is not a record). */
  problems: string[];
}

const TYPES = new Set(['op', 'nemesis', 'final', 'run', 'end']);

/** Reads a history; a damaged or cut-off file gives the records it has and says what is wrong. */
export function parseHistory(text: string, file = 'history'): ParsedHistory {
  const records: HistoryRecord[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(i === lines.length - 1 && !complete ? `${where}: last line is cut off (truncated history)` : `${where}: not JSON`);
      return;
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !TYPES.has(type)) {
      problems.push(`${where}: not a history record (type ${JSON.stringify(type)})`);
      return;
    }
    records.push(value as HistoryRecord);
  });
  if (!records.some((r) => r.type === 'run')) problems.push(`${file}: no run record (not a chaos history?)`);
  if (!records.some((r) => r.type === 'end')) problems.push(`${file}: no end record (truncated history: the run did not finish)`);
  if (!records.some((r) => r.type === 'final')) problems.push(`${file}: no final read: lost writes cannot be checked`);
  return { records, problems };
}

export function readHistory(file: string): ParsedHistory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the history file ${file}: ${(err as Error).message}`);
  }
  return parseHistory(text, file);
}
