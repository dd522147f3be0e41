import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters as written in a hash. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** A parsed `scrypt$N$r$p$salt$hash` string (salt and hash base64url). */
export interface ScryptHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes; twice that leaves room for the library's own buffers.
    scrypt(password, salt, keyLength, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password into its self-describing string form. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  checkParams(params);
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, params, KEY_LENGTH);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export function checkParams(params: ScryptParams): void {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) throw new Error(`scrypt N must be a power of two between 2 and 2^20, not ${N}`);
  if (!Number.isInteger(r) || r < 1 || r > 32) throw new Error(`scrypt r must be an integer between 1 and 32, not ${r}`);
  if (!Number.isInteger(p) || p < 1 || p > 16) throw new Error(`scrypt p must be an integer between 1 and 16, not ${p}`);
}

/** Parses a stored hash; throws with the reason when it is not one. */
export function parseHash(text: string): ScryptHash {
  const parts = text.trim().split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('not a hash of the form scrypt$N$r$p$salt$hash (make one with "oxk passwd NAME")');
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  checkParams({ N, r, p });
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || hash.length < 16) throw new Error('salt or hash too short');
  return { N, r, p, salt, hash };
}

/** Runs the full scrypt derivation and compares in constant time. */
export async function verifyPassword(password: string, stored: ScryptHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt, stored, stored.hash.length);
  return timingSafeEqual(candidate, stored.hash);
}
