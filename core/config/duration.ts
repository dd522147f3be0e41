const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses Open-Xchange style durations: `120s`, `5m`, `2h`, `1D`, `1W`, `250ms`, or plain
 * milliseconds. Units are case-insensitive. Returns milliseconds; throws on anything else.
 */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') throw new Error(`not a duration: ${JSON.stringify(value)}`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|[smhdw])?\s*$/i.exec(value);
  if (!m) throw new Error(`not a duration: "${value}" (use e.g. 250ms, 120s, 5m, 2h, 1D, 1W or milliseconds)`);
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 'ms').toLowerCase()]);
}
