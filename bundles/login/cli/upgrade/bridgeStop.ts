import { jolokiaExec } from './jolokiaExec.js';
import type { UpgradeNode } from './nodeStatus.js';

const BRIDGE = 'cluster-upgrade-from-legacy';
/** The kernel's bundle MBean: its `stop` is what `oxk bundle stop` calls. */
const BRIDGE_MBEAN = `com.openexchange.kernel:type=Bundle,name=${BRIDGE}`;

/** Stops the legacy bridge on the running node through its management endpoint (Jolokia exec `stop`). */
export async function stopBridge(node: UpgradeNode, authorization: string | undefined): Promise<string> {
  const answer = await jolokiaExec(node, authorization, { mbean: BRIDGE_MBEAN, operation: 'stop', arguments: [] }, 30_000);
  if (answer.status === 200) return BRIDGE_MBEAN;
  throw new Error(`the bridge on ${node.route} could not be stopped over Jolokia (${`${BRIDGE_MBEAN}: ${answer.status} ${answer.error ?? ''}`.trim()}); are --jolokia-user and --jolokia-password right?`);
}
