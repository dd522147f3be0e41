import type { UpgradeNode } from './nodeStatus.js';

const BRIDGE = 'cluster-upgrade-from-legacy';
/** The kernel's bundle MBean (its `stop` is `oxk bundle stop`), then the bridge's own `stop`, which calls the same runtime stop. */
const STOP_TARGETS = [`com.openexchange.kernel:type=Bundle,name=${BRIDGE}`, 'com.openexchange.cluster.upgrade:type=LegacyBridge'];

async function exec(node: UpgradeNode, authorization: string | undefined, mbean: string): Promise<{ status: number; error?: string }> {
  const res = await fetch(`http://${node.host}:${node.port}/monitoring/jolokia/`, {
    method: 'POST',
    headers: authorization ? { authorization } : {},
    body: JSON.stringify({ type: 'exec', mbean, operation: 'stop', arguments: [] }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as { status: number; error?: string };
}

/** Stops the legacy bridge on the running node through its management endpoint (Jolokia exec `stop`). */
export async function stopBridge(node: UpgradeNode, authorization: string | undefined): Promise<string> {
  const errors: string[] = [];
  for (const mbean of STOP_TARGETS) {
    const answer = await exec(node, authorization, mbean);
    if (answer.status === 200) return mbean;
    errors.push(`${mbean}: ${answer.status} ${answer.error ?? ''}`.trim());
  }
  throw new Error(`the bridge on ${node.route} could not be stopped over Jolokia (${errors.join('; ')}); are --jolokia-user and --jolokia-password right?`);
}
