import { ANOMALY_KINDS, type CheckReport } from './checker.js';

const LABELS = { lostWrite: 'lost writes', lostCas: 'lost CAS', neverWritten: 'never written', backInTime: 'back in time' } as const;

/** A text table: a header row, a rule, then the rows. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, widths.map((w) => '-'.repeat(w)), ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd()).join('\n');
}

/** A check report as text: operations, faults with their time to cluster safe, anomalies per fault. */
export function formatReport(report: CheckReport, maxListed = 20): string {
  const { ops } = report;
  const out = [`operations: ${ops.total} (ok ${ops.ok}, failed ${ops.fail}, indeterminate ${ops.info}, refused ${ops.refused})`];
  const faultRows = report.faults.map((f) => [f.fault, f.nodes.join(' '), f.safeAfterMs === undefined ? 'not safe' : `${Math.round(f.safeAfterMs)} ms`]);
  out.push(`faults injected: ${report.faults.length}`, table(['fault', 'nodes', 'heal to cluster safe'], faultRows));
  const counts = Object.entries(report.byFault).filter(([name, c]) => name !== 'none' || ANOMALY_KINDS.some((k) => c[k] > 0));
  out.push(table(['fault', ...ANOMALY_KINDS.map((k) => LABELS[k])], counts.map(([name, c]) => [name, ...ANOMALY_KINDS.map((k) => String(c[k]))])));
  for (const a of report.anomalies.slice(0, maxListed)) out.push(`  ${a.kind} ${a.key}=${JSON.stringify(a.value)} (${a.fault}, ${Math.round(a.time)} ms): ${a.detail}`);
  if (report.anomalies.length > maxListed) out.push(`  ... ${report.anomalies.length - maxListed} more in report.json`);
  for (const p of report.problems) out.push(`problem: ${p}`);
  out.push(report.valid ? 'valid: no anomaly found' : `NOT valid: ${report.anomalies.length} anomalies, ${report.problems.length} problems`);
  return out.join('\n');
}
