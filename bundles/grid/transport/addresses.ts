import { networkInterfaces } from 'node:os';

/** One octet pattern: `*`, `a-b` or a number. */
type OctetMatcher = (octet: number) => boolean;

function octetMatcher(pattern: string, source: string): OctetMatcher {
  if (pattern === '*') return () => true;
  const range = /^(\d{1,3})-(\d{1,3})$/.exec(pattern);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > hi || hi > 255) throw new Error(`bad range "${pattern}" in interface pattern "${source}"`);
    return (o) => o >= lo && o <= hi;
  }
  if (/^\d{1,3}$/.test(pattern) && Number(pattern) <= 255) {
    const n = Number(pattern);
    return (o) => o === n;
  }
  throw new Error(`bad octet "${pattern}" in interface pattern "${source}"`);
}

/** An IPv4 pattern like `127.0.0.*` or `10.0.0.10-20`; throws with the pattern on bad syntax. */
export function interfaceMatcher(pattern: string): (address: string) => boolean {
  const parts = pattern.trim().split('.');
  if (parts.length !== 4) throw new Error(`bad interface pattern "${pattern}": expected four octets`);
  const matchers = parts.map((p) => octetMatcher(p, pattern));
  return (address) => {
    const octets = address.split('.');
    return octets.length === 4 && octets.every((o, i) => /^\d+$/.test(o) && matchers[i]!(Number(o)));
  };
}

export function isPattern(pattern: string): boolean {
  return /[*-]/.test(pattern);
}

/** The node's local IPv4 addresses (loopback first, as `os.networkInterfaces` lists them). */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4')
    .map((i) => i.address);
}

/**
 * The address to bind from `network.interfaces`: a plain address is taken as is (any 127.x address
 * is local on Linux without being listed as an interface), a pattern picks the first matching local
 * address. Empty: all interfaces (`0.0.0.0`), advertised as the first non-loopback address.
 */
export function chooseBindAddress(interfaces: string, local: string[] = localAddresses()): { bind: string; advertise: string } {
  const patterns = interfaces.split(',').map((s) => s.trim()).filter(Boolean);
  if (patterns.length === 0) {
    const advertise = local.find((a) => !a.startsWith('127.')) ?? '127.0.0.1';
    return { bind: '0.0.0.0', advertise };
  }
  for (const pattern of patterns) {
    if (!isPattern(pattern)) {
      interfaceMatcher(pattern);
      return { bind: pattern, advertise: pattern };
    }
    const match = interfaceMatcher(pattern);
    const found = local.find(match);
    if (found) return { bind: found, advertise: found };
  }
  throw new Error(`no local address matches network.interfaces "${interfaces}" (local addresses: ${local.join(', ')})`);
}

/** `35000-35100`, `36001, 36002`: the local ports outgoing connections may use; empty: any. */
export function parsePortDefinitions(spec: string): number[] {
  const ports: number[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const [lo, hi] = range ? [Number(range[1]), Number(range[2])] : [Number(part), Number(part)];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi > 65535 || lo > hi) {
      throw new Error(`bad outboundPortDefinitions entry "${part}": expected a port or a range a-b`);
    }
    for (let p = lo; p <= hi; p++) ports.push(p);
  }
  return ports;
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * The static member list: `host[:port]` entries; an entry without a port is probed on the
 * configured port and the two following ones (as Hazelcast does), to find auto-incremented ports.
 */
export function parseStaticNodes(spec: string, defaultPort: number): HostPort[] {
  const out: HostPort[] = [];
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.+?)(?::(\d+))?$/.exec(entry)!;
    const host = m[1]!;
    if (m[2]) out.push({ host, port: Number(m[2]) });
    else for (let i = 0; i < 3; i++) out.push({ host, port: defaultPort + i });
  }
  return out;
}

export function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}

export function parseAddress(address: string): HostPort {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
