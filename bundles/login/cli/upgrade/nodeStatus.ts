import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** A node as `oxk upgrade` knows it: its route and HTTP connector. */
export interface UpgradeNode {
  route: string;
  host: string;
  port: number;
}

/** What a node's `/health` says, as far as `oxk upgrade` needs it. */
export interface NodeStatus {
  up: boolean;
  members?: number;
  clusterSafe?: boolean;
  /** The legacy bridge's section, when the bundle runs or ran there. */
  bridge?: { running: boolean; connected?: boolean };
}

/** `GET /health` (with management credentials, so every detail shows); undefined when nothing answers. */
export function nodeStatus(node: UpgradeNode, authorization: string | undefined): Promise<NodeStatus | undefined> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    const req = request({ host: node.host, port: node.port, path: '/health', agent: false, timeout: 3000, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; grid?: { members?: number; clusterSafe?: boolean }; legacyBridge?: { running: boolean; connected?: boolean } };
          resolve({ up: json.status === 'UP', members: json.grid?.members, clusterSafe: json.grid?.clusterSafe, bridge: json.legacyBridge });
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Polls `check` (it returns why not yet, or undefined when done) until done or the deadline. */
export async function waitUntil(what: string, check: () => Promise<string | undefined>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const notYet = await check();
    if (notYet === undefined) return;
    if (Date.now() > deadline) throw new Error(`${what} not within ${Math.round(timeoutMs / 1000)} s: ${notYet}`);
    await delay(250);
  }
}

/** Why `nodes` are not one safe cluster of `members` members yet, or undefined when they are. */
export async function notSafe(nodes: readonly UpgradeNode[], members: number, authorization: string | undefined): Promise<string | undefined> {
  const all = await Promise.all(nodes.map((n) => nodeStatus(n, authorization)));
  for (const [i, s] of all.entries()) {
    const route = nodes[i]!.route;
    if (!s) return `${route} does not answer /health`;
    if (!s.up) return `${route} is not UP`;
    if (s.members !== members) return `${route} sees ${s.members ?? '?'} grid members, not ${members}`;
    if (s.clusterSafe === false) return `${route}: the cluster is not safe yet (partitions migrating)`;
  }
  return undefined;
}
