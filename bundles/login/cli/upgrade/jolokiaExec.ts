import type { UpgradeNode } from './nodeStatus.js';

/** Jolokia's answer as `oxk upgrade` reads it. */
export interface JolokiaAnswer {
  status: number;
  error?: string;
}

/** One Jolokia `exec` on a node's management endpoint (POST, with the management credentials). */
export async function jolokiaExec(node: UpgradeNode, authorization: string | undefined, call: { mbean: string; operation: string; arguments: unknown[] }, timeoutMs: number): Promise<JolokiaAnswer> {
  const res = await fetch(`http://${node.host}:${node.port}/monitoring/jolokia/`, {
    method: 'POST',
    headers: authorization ? { authorization } : {},
    body: JSON.stringify({ type: 'exec', ...call }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await res.json()) as JolokiaAnswer;
}
