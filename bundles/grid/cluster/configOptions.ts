import { chooseBindAddress, parsePortDefinitions } from '../transport/addresses.js';
import type { ClusterNodeOptions } from './options.js';

type Get = (key: string) => unknown;
type Origin = (key: string) => string;

/**
 * The rules across the grid's keys, as `origin key: reason` lines: run by `oxk config check` and
 * before a live change (the manifest's `validate`) and again by start.
 */
export function gridConfigProblems(get: Get, origin: Origin): string[] {
  const s = (k: string) => String(get(k));
  const n = (k: string) => Number(get(k));
  const problems: string[] = [];
  const fail = (key: string, reason: string) => problems.push(`${origin(key)} ${key}: ${reason}`);
  const join = s('com.openexchange.hazelcast.network.join');
  if (join !== 'empty' && s('com.openexchange.hazelcast.group.name').trim() === '') {
    fail('com.openexchange.hazelcast.group.name', `required when com.openexchange.hazelcast.network.join is "${join}"`);
  }
  if (get('com.openexchange.hazelcast.network.tls.enabled') === true) {
    for (const k of ['certificate', 'key', 'ca']) {
      if (s(`com.openexchange.hazelcast.network.tls.${k}`) === '') fail(`com.openexchange.hazelcast.network.tls.${k}`, 'required when grid TLS is enabled');
    }
  }
  const interval = n('hazelcast.heartbeat.interval.seconds');
  const maxNoHeartbeat = n('hazelcast.max.no.heartbeat.seconds');
  if (interval <= 0) fail('hazelcast.heartbeat.interval.seconds', 'must be at least 1');
  else if (maxNoHeartbeat <= interval) {
    fail('hazelcast.max.no.heartbeat.seconds', `${maxNoHeartbeat} must be larger than hazelcast.heartbeat.interval.seconds (${interval})`);
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
  const partitionCount = n('hazelcast.partition.count');
  if (partitionCount < 1) fail('hazelcast.partition.count', `must be at least 1, got ${partitionCount}`);
  return problems;
}

/**
 * The cluster layer's options from the grid's properties (`get` reads a declared property, `origin`
 * says where its value came from). Throws every `origin key: reason` of `gridConfigProblems`.
 */
export function clusterOptionsFromConfig(get: Get, origin: Origin, route: string): ClusterNodeOptions {
  const problems = gridConfigProblems(get, origin);
  if (problems.length) throw new Error(problems.join('\n'));
  const s = (k: string) => String(get(k));
  const n = (k: string) => Number(get(k));
  const tls = get('com.openexchange.hazelcast.network.tls.enabled') === true;
  return {
    groupName: s('com.openexchange.hazelcast.group.name').trim() || 'default',
    password: s('com.openexchange.hazelcast.group.password'),
    interfaces: s('com.openexchange.hazelcast.network.interfaces'),
    port: n('com.openexchange.hazelcast.networkConfig.port'),
    portAutoIncrement: get('com.openexchange.hazelcast.networkConfig.portAutoIncrement') === true,
    outboundPorts: s('com.openexchange.hazelcast.networkConfig.outboundPortDefinitions'),
    join: s('com.openexchange.hazelcast.network.join') as ClusterNodeOptions['join'],
    staticNodes: s('com.openexchange.hazelcast.network.join.static.nodes'),
    multicastGroup: s('com.openexchange.hazelcast.network.join.multicast.group'),
    multicastPort: n('com.openexchange.hazelcast.network.join.multicast.port'),
    probeIntervalMs: n('com.openexchange.hazelcast.network.join.probeInterval'),
    mergeFirstRunDelayMs: n('com.openexchange.hazelcast.mergeFirstRunDelay'),
    mergeRunDelayMs: n('com.openexchange.hazelcast.mergeRunDelay'),
    heartbeatIntervalMs: n('hazelcast.heartbeat.interval.seconds') * 1000,
    maxNoHeartbeatMs: n('hazelcast.max.no.heartbeat.seconds') * 1000,
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
