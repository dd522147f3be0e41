import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Loopback: all of 127.0.0.0/8 (tests bind 127.0.x.y), ::1, and IPv4-mapped loopback. */
export function isLocalAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  // The URL parser writes an IPv6 address in its shortest form (0:0:...:1 becomes ::1).
  return isIP(address) === 6 && new URL(`http://[${address}]/`).hostname === '[::1]';
}

/** True when the `Authorization: Basic ...` header carries exactly this user and password. */
export function basicAuthMatches(header: string | undefined, user: string, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Compare digests so neither the length nor the content leaks through timing.
  const userOk = same(decoded.slice(0, colon), user);
  const passwordOk = same(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
