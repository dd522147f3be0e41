import type { RawProperties } from '../../core/bundle.js';
import { where } from '../../core/config/configFolder.js';

/** Hazelcast's stock group password, the grid's default (0.1.0 and today). */
const DEFAULT_GROUP_PASSWORD = 'wtV6$VQk8#+3ds!a';
const JOIN = 'com.openexchange.hazelcast.network.join';
const STATIC_NODES = 'com.openexchange.hazelcast.network.join.static.nodes';
export const CLIENT_NODES = 'com.openexchange.hazelcast.network.client.nodes';
export const BIND_ADDRESS = 'com.openexchange.cluster.upgrade.legacy.bindAddress';
const INTERFACES = 'com.openexchange.hazelcast.network.interfaces';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** How the bridge reaches the legacy cluster, read from this node's grid settings. */
export interface LegacySettings {
  groupName: string;
  password: string;
  addresses: string[];
  /** Where the bridge listens and dials from (legacy members dial it back). */
  bindHost: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The grid's keys as written (the grid owns them; their defaults are the grid's). */
function raw(props: RawProperties, key: string): { value: string | undefined; origin: string } {
  const entry = props.get(key);
  return { value: entry?.value.trim(), origin: entry ? where(entry) : 'default' };
}

/**
 * The legacy cluster's addresses (the static join's nodes, else the seed's client nodes), group name,
 * password and the bridge's bind host; `problems` name the property to fix, `file:line key: reason`.
 */
export function legacySettings(props: RawProperties, clientNodes: string, bindAddress: string, bindOrigin: string, clientOrigin: string): { settings?: LegacySettings; problems: string[] } {
  const join = raw(props, JOIN);
  const problems: string[] = [];
  let addresses: string[] = [];
  if ((join.value ?? 'empty') === 'empty') {
    problems.push(`${join.origin} ${JOIN}: is "empty": the bridge needs a legacy cluster to talk to (a static join's ${STATIC_NODES}, or ${CLIENT_NODES}); this node is not part of a cluster, so there is nothing to bridge`);
  } else if (join.value === 'static') {
    const nodes = raw(props, STATIC_NODES);
    addresses = list(nodes.value);
    if (addresses.length === 0) problems.push(`${nodes.origin} ${STATIC_NODES}: no legacy address is known: the join is static and this list is empty`);
  } else {
    addresses = list(clientNodes);
    if (addresses.length === 0) problems.push(`${clientOrigin} ${CLIENT_NODES}: no legacy address is known: the join is ${join.value ?? 'not static'}, so the bridge reads the legacy members from this property, which is empty`);
  }
  const interfaces = raw(props, INTERFACES);
  const bindHost = bindAddress || list(interfaces.value ?? '127.0.0.1')[0] || '';
  if (!IPV4.test(bindHost)) {
    problems.push(`${bindAddress ? bindOrigin : interfaces.origin} ${bindAddress ? BIND_ADDRESS : INTERFACES}: the bridge needs one IPv4 address to listen on for the legacy members ("${bindHost}" is not one); set ${BIND_ADDRESS}`);
  }
  if (problems.length > 0) return { problems };
  const groupName = raw(props, 'com.openexchange.hazelcast.group.name').value || 'default';
  const password = props.get('com.openexchange.hazelcast.group.password')?.value ?? DEFAULT_GROUP_PASSWORD;
  return { settings: { groupName, password, addresses: addresses.map((a) => (a.includes(':') ? a : `${a}:5701`)), bindHost }, problems };
}
