// Formatting helpers: every missing figure (an older member, an MBean not there) reads "n/a".
export const NA = 'n/a';

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export function count(v) {
  return isNum(v) ? Math.round(v).toLocaleString('en-US') : NA;
}

export function bytes(v) {
  if (!isNum(v)) return NA;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = v;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function rate(v) {
  return isNum(v) ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)) : NA;
}

export function ms(v) {
  if (!isNum(v)) return NA;
  if (v >= 60_000) return `${(v / 60_000).toFixed(1)} min`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)} s`;
  return `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`;
}

export function yesNo(v) {
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : NA;
}

export function text(v) {
  return typeof v === 'string' && v !== '' ? v : NA;
}

export function time(v) {
  return isNum(v) && v > 0 ? new Date(v).toLocaleString() : NA;
}

export function percent(part, whole) {
  return isNum(part) && isNum(whole) && whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : NA;
}

/** A copy of `list` sorted by the text of each row's `field` (the tables' row order). */
export function sortedBy(list, field) {
  return [...list].sort((a, b) => String(a[field]).localeCompare(String(b[field])));
}
