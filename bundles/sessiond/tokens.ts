import { createHash, timingSafeEqual } from 'node:crypto';
import { randomId } from './localSession.js';

interface PendingToken {
  clientToken: Buffer;
  sessionId: string;
  expires: number;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Token-login pairs; they live on the issuing node only (the reason routing is by route suffix). */
export class TokenStore {
  private readonly pending = new Map<string, PendingToken>();

  constructor(private readonly lifeTimeMs: number, private readonly now: () => number) {}

  get size(): number {
    return this.pending.size;
  }

  /** Returns the server token. */
  issue(sessionId: string, clientToken: string): string {
    const serverToken = randomId();
    this.pending.set(serverToken, { clientToken: digest(clientToken), sessionId, expires: this.now() + this.lifeTimeMs });
    return serverToken;
  }

  /** The session id, once: a server token is spent whether or not the client token matched. */
  redeem(clientToken: string, serverToken: string): string | undefined {
    const entry = this.pending.get(serverToken);
    if (!entry) return undefined;
    this.pending.delete(serverToken);
    if (entry.expires < this.now()) return undefined;
    return timingSafeEqual(entry.clientToken, digest(clientToken)) ? entry.sessionId : undefined;
  }

  sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.pending) if (entry.expires < now) this.pending.delete(token);
  }
}
