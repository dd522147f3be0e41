import { chooseBindAddress, parsePortDefinitions } from '../transport/addresses.js';
import type { ClusterNodeOptions } from './options.js';

/**
 * The cluster layer's options from the grid's properties (`get` reads a declared property, `origin`
 * says where its value came from). Throws `origin key: reason` when a value or combination is invalid.
 */
export function clusterOptionsFromConfig(get: (key: string) => unknown, origin: (key: string) => string, route: string): ClusterNodeOptions {
  const s = (k: string) => String(get(k));
  const n = (k: string) => Number(get(k));
  const fail = (key: string, reason: string): never => {
    throw new Error(`${origin(key)} ${key}: ${reason}`);
  };
  const join = s('com.openexchange.hazelcast.network.join') as ClusterNodeOptions['join'];
  const groupName = s('com.openexchange.hazelcast.group.name').trim();
  if (join !== 'empty' && groupName === '') {
    fail('com.openexchange.hazelcast.group.name', `required when com.openexchange.hazelcast.network.join is "${join}"`);
  }
  const tls = get('com.openexchange.hazelcast.network.tls.enabled') === true;
  if (tls) {
    for (const k of ['certificate', 'key', 'ca']) {
      if (s(`com.openexchange.hazelcast.network.tls.${k}`) === '') fail(`com.openexchange.hazelcast.network.tls.${k}`, 'required when grid TLS is enabled');
    }
  }
  const heartbeatIntervalMs = n('hazelcast.heartbeat.interval.seconds') * 1000;
  const maxNoHeartbeatMs = n('hazelcast.max.no.heartbeat.seconds') * 1000;
  if (heartbeatIntervalMs <= 0) fail('hazelcast.heartbeat.interval.seconds', 'must be at least 1');
  if (maxNoHeartbeatMs <= heartbeatIntervalMs) {
    fail('hazelcast.max.no.heartbeat.seconds', `${maxNoHeartbeatMs / 1000} must be larger than hazelcast.heartbeat.interval.seconds (${heartbeatIntervalMs / 1000})`);
  }
  for (const [key, check] of [
    ['com.openexchange.hazelcast.network.interfaces', chooseBindAddress],
    ['com.openexchange.hazelcast.networkConfig.outboundPortDefinitions', parsePortDefinitions],
  ] as const) {
    try {
      check(s(key));
    } catch (err) {
      fail(key, (err as Error).message);
    }
  }
  return {
    groupName: groupName || 'default',
    password: s('com.openexchange.hazelcast.group.password'),
    interfaces: s('com.openexchange.hazelcast.network.interfaces'),
    port: n('com.openexchange.hazelcast.networkConfig.port'),
    portAutoIncrement: get('com.openexchange.hazelcast.networkConfig.portAutoIncrement') === true,
    outboundPorts: s('com.openexchange.hazelcast.networkConfig.outboundPortDefinitions'),
    join,
    staticNodes: s('com.openexchange.hazelcast.network.join.static.nodes'),
    multicastGroup: s('com.openexchange.hazelcast.network.join.multicast.group'),
    multicastPort: n('com.openexchange.hazelcast.network.join.multicast.port'),
    probeIntervalMs: n('com.openexchange.hazelcast.network.join.probeInterval'),
    mergeFirstRunDelayMs: n('com.openexchange.hazelcast.mergeFirstRunDelay'),
    mergeRunDelayMs: n('com.openexchange.hazelcast.mergeRunDelay'),
    heartbeatIntervalMs,
    maxNoHeartbeatMs,
    clockSkewThresholdMs: n('com.openexchange.hazelcast.clockSkew.warnThreshold'),
    route,
    lite: get('com.openexchange.hazelcast.liteMember') === true,
    requestTimeoutMs: n('com.openexchange.hazelcast.maxOperationTimeout'),
    clusterVersionAutoUpgrade: get('com.openexchange.hazelcast.cluster.version.autoUpgrade') === true,
    maxFrameSize: n('com.openexchange.hazelcast.network.maxFrameSize'),
    handshakeTimeoutMs: n('com.openexchange.hazelcast.network.handshake.timeout'),
    maxPendingHandshakes: n('com.openexchange.hazelcast.network.handshake.maxPending'),
    maxPendingHandshakesPerAddress: n('com.openexchange.hazelcast.network.handshake.maxPendingPerAddress'),
    ...(tls ? {
      tls: {
        certificate: s('com.openexchange.hazelcast.network.tls.certificate'),
        key: s('com.openexchange.hazelcast.network.tls.key'),
        ca: s('com.openexchange.hazelcast.network.tls.ca'),
      },
    } : {}),
  };
}
