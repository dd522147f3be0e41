/** Value readers for cache.ccf attributes; each throws a short reason that the parser prefixes with `file:line key`. */

export function readInt(value: string, min = -1): number {
  const v = value.trim();
  if (!/^-?\d+$/.test(v)) throw new Error(`"${value}" is not an integer`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${v} is out of range (at least ${min})`);
  return n;
}

export function readBoolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`"${value}" is not true or false`);
}

export function readPort(value: string): number {
  const n = readInt(value, 0);
  if (n > 65535) throw new Error(`${n} is not a port`);
  return n;
}

export interface HostPort {
  host: string;
  port: number;
}

/** `host:port` (IPv6 in brackets). */
function readHostPort(value: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not host:port`);
  const port = readPort(m[3] ?? '');
  if (port === 0) throw new Error(`"${value}": port 0 cannot be connected to`);
  return { host: m[1] ?? m[2] ?? '', port };
}

/** Comma-separated `host:port` list; empty means none. */
export function readHostPortList(value: string): HostPort[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '').map(readHostPort);
}

/** Comma-separated auxiliary names, e.g. `LTCP` or `LTCP, DC`; empty means none. */
export function readNameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`"${name}" is not an auxiliary name`);
  }
  return names;
}
