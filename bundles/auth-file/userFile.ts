import { randomBytes } from 'node:crypto';
import type { ConfigEntry } from '../../core/config/configFiles.js';
import type { AuthenticatedUser, AuthenticationService } from './api.js';
import { DEFAULT_PARAMS, parseHash, type ScryptHash, verifyPassword } from './scryptHash.js';

/** User names `oxk passwd` accepts: they must survive a properties file as keys. */
export const USER_NAME = /^[A-Za-z0-9._@+-]{1,128}$/;

/** Authenticates against `name=<scrypt hash>` entries (the lines of `users.properties`). */
export class FileAuthenticator implements AuthenticationService {
  private readonly users = new Map<string, ScryptHash>();
  /** Verified when the user does not exist, so that both answers take the same time. */
  private readonly decoy: ScryptHash;

  constructor(entries: readonly ConfigEntry[]) {
    for (const entry of entries) {
      if (!USER_NAME.test(entry.key)) throw new Error(`${entry.file}:${entry.line} ${entry.key}: not a valid user name (letters, digits and . _ @ + - only)`);
      try {
        this.users.set(entry.key, parseHash(entry.value));
      } catch (err) {
        throw new Error(`${entry.file}:${entry.line} ${entry.key}: ${(err as Error).message}`);
      }
    }
    // Same cost as real users' hashes, so unknown names cost what known ones do.
    const model = this.users.values().next().value ?? { ...DEFAULT_PARAMS, hash: Buffer.alloc(32) };
    this.decoy = { N: model.N, r: model.r, p: model.p, salt: randomBytes(16), hash: randomBytes(model.hash.length) };
  }

  get size(): number {
    return this.users.size;
  }

  async authenticate(name: string, password: string): Promise<AuthenticatedUser | undefined> {
    const stored = this.users.get(name);
    const ok = await verifyPassword(password, stored ?? this.decoy);
    return ok && stored ? { name } : undefined;
  }
}
