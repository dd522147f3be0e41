import type { FaultName, FinalRecord, HistoryRecord, NemesisRecord, OpRecord } from './history.js';
import { versionOf } from './values.js';

export type AnomalyKind = 'lostWrite' | 'lostCas' | 'neverWritten' | 'backInTime';
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['lostWrite', 'lostCas', 'neverWritten', 'backInTime'];

/** One finding, attributed to the fault during which (or, between faults, before which) it arose. */
export interface Anomaly {
  kind: AnomalyKind;
  key: string;
  /** The lost or unexpected value (null: absent). */
  value: string | null;
  fault: FaultName | 'none';
  /** When the operation concerned completed (ms since the run started). */
  time: number;
  detail: string;
}

export interface FaultWindow {
  fault: FaultName;
  nodes: string[];
  start: number;
  heal?: number;
  end: number;
  /** Heal to cluster safe, ms; undefined when the cluster was not safe in time. */
  safeAfterMs?: number;
}

export interface CheckReport {
  /** Nothing found and the history is whole. */
  valid: boolean;
  problems: string[];
  ops: Record<'total' | 'ok' | 'fail' | 'info' | 'refused', number>;
  faults: FaultWindow[];
  anomalies: Anomaly[];
  /** Anomaly counts per fault (and `none`). */
  byFault: Record<string, Record<AnomalyKind, number>>;
}

/** The fault windows: from each `start` to its `safe` (or the next fault, or the end of the run). */
export function faultWindows(records: HistoryRecord[], endTime: number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  for (const r of records.filter((x): x is NemesisRecord => x.type === 'nemesis')) {
    const open = windows[windows.length - 1];
    if (r.phase === 'start') {
      windows.push({ fault: r.fault, nodes: r.nodes, start: r.time, end: endTime });
    } else if (open && open.fault === r.fault) {
      if (r.phase === 'heal') open.heal = r.time;
      else {
        open.end = r.time;
        if (r.phase === 'safe') open.safeAfterMs = r.ms;
      }
    }
  }
  windows.forEach((w, i) => {
    const next = windows[i + 1];
    if (next && w.end > next.start) w.end = next.start;
  });
  return windows;
}

/**
 * The fault an operation belongs to: the first window its run overlaps (a call issued during a
 * partition may be answered after the heal), else the next one (only a later fault can undo it).
 */
function attribute(windows: FaultWindow[], invoke: number, complete: number): FaultName | 'none' {
  return (windows.find((w) => invoke <= w.end && complete >= w.start) ?? windows.find((w) => w.start > complete))?.fault ?? 'none';
}

function groupByKey(ops: OpRecord[]): Map<string, OpRecord[]> {
  const byKey = new Map<string, OpRecord[]>();
  for (const op of ops) {
    const id = `${op.map}\u0000${op.key}`;
    let list = byKey.get(id);
    if (!list) byKey.set(id, (list = []));
    list.push(op);
  }
  return byKey;
}

const isWrite = (op: OpRecord) => op.f !== 'get';

/** Checks a history; see the grid README ("Faults and what the grid guarantees") for the definitions. */
export function checkHistory(records: HistoryRecord[], problems: string[] = []): CheckReport {
  const ops = records.filter((r): r is OpRecord => r.type === 'op');
  const finals = new Map(records.filter((r): r is FinalRecord => r.type === 'final').map((r) => [r.map, r]));
  // A loop, not Math.max(...spread): a long run's history has more records than the stack has room for arguments.
  const endTime = records.reduce((max, r) => Math.max(max, r.type === 'op' ? r.complete : 'time' in r ? r.time : 0), 0);
  const windows = faultWindows(records, endTime);
  for (const r of records) {
    if (r.type === 'nemesis' && r.phase === 'unsafe') problems = [...problems, `cluster not safe ${Math.round(r.ms ?? 0)} ms after healing ${r.fault} of ${r.nodes.join(', ')}`];
  }
  const anomalies: Anomaly[] = [];
  const found = (kind: AnomalyKind, op: { key: string; value: string | null }, at: { invoke: number; complete: number }, detail: string) =>
    anomalies.push({ kind, key: op.key, value: op.value, fault: attribute(windows, at.invoke, at.complete), time: at.complete, detail });

  for (const list of groupByKey(ops).values()) {
    const { map, key } = list[0]!;
    const final = finals.get(map);
    const finalValue = final ? (final.entries[key] ?? null) : undefined;
    const written = new Set(list.filter((op) => isWrite(op) && (op.outcome === 'ok' || op.outcome === 'info')).map((op) => op.value));
    const observed = new Set<string | null>(list.filter((op) => op.outcome === 'ok' && op.f === 'get').map((op) => op.value));
    for (const op of list) {
      if (op.f === 'cas' && op.outcome === 'ok') observed.add(op.expected ?? null);
      if (op.existing !== undefined) observed.add(op.existing);
    }
    if (finalValue !== undefined) observed.add(finalValue);

    // Values read (or compared with) that no write could have produced; say so when a write reported as failed did.
    const failed = new Map(list.filter((op) => isWrite(op) && op.outcome !== 'ok' && op.outcome !== 'info').map((op) => [op.value, op]));
    const why = (seen: string) => {
      const f = failed.get(seen);
      return f ? `written by a ${f.f} answered "${f.outcome}" (process ${f.process} on ${f.node}, ${Math.round(f.invoke)}-${Math.round(f.complete)} ms)` : 'no write produced it';
    };
    for (const op of list) {
      const seen = op.f === 'get' && op.outcome === 'ok' ? op.value : op.f === 'cas' && op.outcome === 'ok' ? op.expected ?? null : op.existing ?? null;
      if (seen !== null && !written.has(seen)) found('neverWritten', { key, value: seen }, op, `${op.f} by process ${op.process} on ${op.node} saw a value ${why(seen)}`);
    }
    if (finalValue && !written.has(finalValue)) found('neverWritten', { key, value: finalValue }, { invoke: final!.time, complete: final!.time }, `the final read on ${final!.node} saw a value ${why(finalValue)}`);

    // A value is overwritten by a compare-and-set that expected it: acknowledged, or unknown but seen to have happened.
    const consumed = new Set(list.filter((op) => op.f === 'cas' && (op.outcome === 'ok' || (op.outcome === 'info' && observed.has(op.value)))).map((op) => op.expected));
    if (finalValue !== undefined) {
      // A lost value belongs to the fault during which a read first missed it after it was last seen
      // (written or read); with no such read, to the first fault after it was last seen.
      const gets = list.filter((r) => r.f === 'get' && r.outcome === 'ok').sort((a, b) => a.invoke - b.invoke);
      const lossTime = (op: OpRecord) => {
        const seen = gets.reduce((max, r) => (r.value === op.value ? Math.max(max, r.complete) : max), op.complete);
        const missed = gets.find((r) => r.invoke > seen && r.value !== op.value);
        if (!missed) return { invoke: seen, complete: seen };
        const last = [...windows].reverse().find((w) => w.start <= missed.complete);
        const t = last && last.start > seen ? Math.min(missed.complete, last.end) : missed.complete;
        return { invoke: t, complete: t };
      };
      for (const op of list.filter((o) => isWrite(o) && o.outcome === 'ok')) {
        if (op.value === finalValue) continue;
        if (op.f === 'put') found('lostWrite', op, lossTime(op), `put acknowledged to process ${op.process} on ${op.node}, final value ${JSON.stringify(finalValue)}`);
        else if (!consumed.has(op.value ?? undefined)) found('lostCas', op, lossTime(op), `${op.f} acknowledged to process ${op.process} on ${op.node}; no compare-and-set built on it, final value ${JSON.stringify(finalValue)}`);
      }
    }

    // Reads of a value that a value known before they began was built on (an ancestor in the chain
    // of compare-and-sets, or absence): the read went back in time. A value of another branch is not
    // an ancestor, so a merge that picks the other branch shows as a lost compare-and-set instead.
    const parent = new Map<string, string | null>();
    for (const op of list) {
      if (op.value === null || !isWrite(op) || (op.outcome !== 'ok' && op.outcome !== 'info')) continue;
      parent.set(op.value, op.f === 'cas' ? op.expected ?? null : null);
    }
    const isAncestor = (older: string | null, newer: string): boolean => {
      const target = versionOf(older);
      let v: string | null | undefined = newer;
      while (typeof v === 'string' && versionOf(v) > target) v = parent.get(v);
      return v === older;
    };
    const known = list.filter((op) => op.outcome === 'ok' && op.value !== null && !Number.isNaN(versionOf(op.value)))
      .map((op) => ({ time: op.complete, value: op.value!, op }))
      .sort((a, b) => a.time - b.time);
    const reads = list.filter((op) => op.f === 'get' && op.outcome === 'ok').sort((a, b) => a.invoke - b.invoke);
    let i = 0;
    let newest: (typeof known)[number] | undefined;
    for (const r of reads) {
      for (; i < known.length && known[i]!.time < r.invoke; i++) if (!newest || versionOf(known[i]!.value) > versionOf(newest.value)) newest = known[i]!;
      if (newest && r.value !== newest.value && isAncestor(r.value, newest.value)) {
        found('backInTime', r, r, `read on ${r.node} (process ${r.process}) got ${JSON.stringify(r.value)} after ${newest.op.f} on ${newest.op.node} had completed with ${JSON.stringify(newest.value)}, built on it`);
      }
    }
  }

  const byFault: Record<string, Record<AnomalyKind, number>> = {};
  for (const name of ['none', ...windows.map((w) => w.fault)]) byFault[name] = { lostWrite: 0, lostCas: 0, neverWritten: 0, backInTime: 0 };
  for (const a of anomalies) byFault[a.fault]![a.kind]++;
  const count = (o: OpRecord['outcome']) => ops.filter((op) => op.outcome === o).length;
  return {
    valid: anomalies.length === 0 && problems.length === 0,
    problems,
    ops: { total: ops.length, ok: count('ok'), fail: count('fail'), info: count('info'), refused: count('refused') },
    faults: windows,
    anomalies: anomalies.sort((a, b) => a.time - b.time || a.key.localeCompare(b.key)),
    byFault,
  };
}
