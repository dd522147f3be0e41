import { Agent, request } from 'node:http';
import type { Outcome } from './history.js';

/** What an operation came back with: its outcome, and the answer's fields when it was answered. */
export interface DriverAnswer {
  outcome: Outcome;
  body?: { value?: string | null; ok?: boolean; existing?: string | null; entries?: Record<string, string> };
  error?: string;
}

/** Errors that come before the request left: the operation cannot have run. */
const NOT_SENT = new Set(['ENOENT', 'ECONNREFUSED']);
/** What a refusal by split-brain protection says (the minimum cluster size of a map). */
export const REFUSAL = /split.?brain protection|minimum ?cluster ?size|minimumClusterSize/i;

/** Talks to one node's chaos-driver bundle over its Unix socket (reachable from outside the node's network namespace). */
export class DriverClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(readonly route: string, readonly socketPath: string, readonly timeoutMs = 8000) {}

  call(method: 'GET' | 'POST', op: string, params: Record<string, string>): Promise<DriverAnswer> {
    const path = `/test/chaos/${op}?${new URLSearchParams(params).toString()}`;
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: DriverAnswer) => {
        if (!settled) resolve(a);
        settled = true;
      };
      const req = request({ socketPath: this.socketPath, path, method, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => done({ outcome: 'info', error: `${op} on ${this.route}: answer cut off: ${err.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) return done({ outcome: 'ok', body: JSON.parse(text) as DriverAnswer['body'] });
          const message = (() => {
            try {
              return (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              return text;
            }
          })();
          // A request the driver rejected (a harness bug): it did not run.
          if (res.statusCode !== 500) return done({ outcome: 'fail', error: `${method} ${path} on ${this.route}: HTTP ${res.statusCode} ${message}` });
          // The grid failed the operation: unknown whether it ran, unless split-brain protection refused it.
          done({ outcome: REFUSAL.test(message) ? 'refused' : 'info', error: message });
        });
      });
      req.on('timeout', () => {
        done({ outcome: 'info', error: `${op} on ${this.route}: no answer within ${this.timeoutMs} ms` });
        req.destroy();
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const notSent = NOT_SENT.has(err.code ?? '');
        done({ outcome: notSent ? 'fail' : 'info', error: `${op} on ${this.route} (${this.socketPath}): ${err.message}` });
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
