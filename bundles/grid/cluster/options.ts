import { DEFAULT_GROUP_PASSWORD } from '../config.js';
import { chooseBindAddress, parsePortDefinitions } from '../transport/addresses.js';
import type { TlsFiles, TransportOptions } from '../transport/transport.js';

/** Everything the cluster layer needs; built from the bundle's properties or by the CLI/benchmarks. */
export interface ClusterNodeOptions {
  /** `com.openexchange.hazelcast.group.name`; the effective cluster name adds the protocol's major. */
  groupName: string;
  password: string;
  /** `network.interfaces`: addresses, `*` wildcards, `a-b` ranges; empty: all. */
  interfaces: string;
  port: number;
  portAutoIncrement: boolean;
  /** `outboundPortDefinitions`, e.g. `35000-35100`. */
  outboundPorts: string;
  join: 'empty' | 'static' | 'multicast';
  staticNodes: string;
  multicastGroup: string;
  multicastPort: number;
  /** How often the master probes for lone members and other clusters. */
  probeIntervalMs: number;
  mergeFirstRunDelayMs: number;
  mergeRunDelayMs: number;
  heartbeatIntervalMs: number;
  maxNoHeartbeatMs: number;
  clockSkewThresholdMs: number;
  /** `com.openexchange.server.backendRoute`. */
  route: string;
  lite: boolean;
  /** False for members that hold no data although not lite (outside every custom partition group). */
  dataMember?: boolean;
  requestTimeoutMs: number;
  maxFrameSize: number;
  tls?: TlsFiles;
  /** How long a starting member waits for other starting members before forming a cluster alone. */
  startupJoinTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** `com.openexchange.hazelcast.cluster.version.autoUpgrade`: the cluster version moves up by itself when the last older member is gone (default true). */
  clusterVersionAutoUpgrade?: boolean;
  /** `network.handshake.timeout`: deadline from accept (or connect) for TLS and grid handshake. */
  handshakeTimeoutMs?: number;
  /** `network.handshake.maxPending`: inbound connections in handshake at once, in all. */
  maxPendingHandshakes?: number;
  /** `network.handshake.maxPendingPerAddress`: the same per remote address. */
  maxPendingHandshakesPerAddress?: number;
}

/** Defaults for programmatic use (CLI, benchmarks); the bundle builds its options from properties. */
export const defaultClusterOptions: ClusterNodeOptions = {
  groupName: '',
  password: DEFAULT_GROUP_PASSWORD,
  interfaces: '127.0.0.1',
  port: 5701,
  portAutoIncrement: true,
  outboundPorts: '',
  join: 'empty',
  staticNodes: '',
  multicastGroup: '224.2.2.3',
  multicastPort: 54327,
  probeIntervalMs: 3000,
  mergeFirstRunDelayMs: 120_000,
  mergeRunDelayMs: 120_000,
  heartbeatIntervalMs: 1000,
  maxNoHeartbeatMs: 10_000,
  clockSkewThresholdMs: 1000,
  route: 'OX0',
  lite: false,
  requestTimeoutMs: 5000,
  maxFrameSize: 64 * 1024 * 1024,
  handshakeTimeoutMs: 5000,
  maxPendingHandshakes: 64,
  maxPendingHandshakesPerAddress: 16,
};

/** The transport's settings from the member's options (bind and advertised address, ports, limits). */
export function transportOptions(options: ClusterNodeOptions): TransportOptions {
  const { bind, advertise } = chooseBindAddress(options.interfaces);
  return {
    bindHost: bind,
    advertiseHost: advertise,
    port: options.port,
    portAutoIncrement: options.portAutoIncrement,
    outboundPorts: parsePortDefinitions(options.outboundPorts),
    tls: options.tls,
    maxFrameSize: options.maxFrameSize,
    maxBufferedBytes: Math.max(options.maxFrameSize * 2, 64 * 1024 * 1024),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
    maxPendingHandshakes: options.maxPendingHandshakes ?? 64,
    maxPendingHandshakesPerAddress: options.maxPendingHandshakesPerAddress ?? 16,
    connectTimeoutMs: options.connectTimeoutMs ?? 1000,
  };
}
