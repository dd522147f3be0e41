import type { UpgradeNode } from './nodeStatus.js';

const BRIDGE = 'cluster-upgrade-from-legacy';
/** The kernel's bundle MBean: its `stop` is what `oxk bundle stop` calls. */
const BRIDGE_MBEAN = `com.openexchange.kernel:type=Bundle,name=${BRIDGE}`;

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
  const answer = await exec(node, authorization, BRIDGE_MBEAN);
  if (answer.status === 200) return BRIDGE_MBEAN;
  throw new Error(`the bridge on ${node.route} could not be stopped over Jolokia (${`${BRIDGE_MBEAN}: ${answer.status} ${answer.error ?? ''}`.trim()}); are --jolokia-user and --jolokia-password right?`);
}
