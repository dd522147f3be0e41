import { isIP } from 'node:net';

/** Addresses as written in `com.openexchange.server.knownProxies` (comma-separated IPs). */
export function parseKnownProxies(value: string): Set<string> {
  const proxies = new Set<string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    if (isIP(entry) === 0) throw new Error(`"${entry}" is not an IP address`);
    proxies.add(normalize(entry));
  }
  return proxies;
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address.toLowerCase();
}

/**
 * The address of the client behind the connection: the socket's peer, or, when that peer is a
 * known proxy, the last `X-Forwarded-For` entry that is not itself a known proxy (entries left of
 * it were written by the client and prove nothing). Malformed entries end the walk.
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, knownProxies: ReadonlySet<string>): string {
  let address = normalize(peer);
  if (!knownProxies.has(address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) break;
    address = normalize(hop);
    if (!knownProxies.has(address)) break;
  }
  return address;
}
