import Jolokia, { type IJolokiaSimple } from '@jolokia.js/simple';
import type { JolokiaConfiguration, RequestOptions } from 'jolokia.js';
import { NodeProcess } from '../support/nodeProcess.js';

export const CREDENTIALS = { user: 'jmxadmin', password: 'jmx-Secret-42' };

// jolokia.js builds its basic-auth header with window.btoa; Node has btoa but no window.
(globalThis as { window?: unknown }).window ??= globalThis;

export interface ManagementNodeOptions {
  configDir: string;
  /** Loopback address for the HTTP connector and the grid listener. */
  address: string;
  route: string;
  /** Grid addresses of every member (static join); alone when omitted. */
  cluster?: string[];
  /** Jolokia credentials; the node's Jolokia stays off when null. */
  credentials?: { user: string; password: string } | null;
  set?: Record<string, string | number | boolean>;
  /** Command prefix to run the node elsewhere (a private network namespace). */
  wrap?: string[];
  env?: Record<string, string>;
}

/** A node with Jolokia switched on (unless `credentials` is null), HTTP on `address:8009`, grid on `address:5701`. */
export function managementNode(o: ManagementNodeOptions): NodeProcess {
  const creds = o.credentials === undefined ? CREDENTIALS : o.credentials;
  const cluster: Record<string, string | number> = o.cluster
    ? {
      'com.openexchange.hazelcast.network.join': 'static',
      'com.openexchange.hazelcast.network.join.static.nodes': o.cluster.join(','),
      'com.openexchange.hazelcast.group.name': 'management-test',
      'com.openexchange.hazelcast.network.join.probeInterval': '500ms',
      'hazelcast.heartbeat.interval.seconds': 1,
      'hazelcast.max.no.heartbeat.seconds': 5,
    }
    : {};
  return new NodeProcess({
    configDir: o.configDir,
    label: o.route,
    wrap: o.wrap,
    env: o.env,
    set: {
      'com.openexchange.server.backendRoute': o.route,
      'com.openexchange.connector.networkListenerHost': o.address,
      'com.openexchange.hazelcast.network.interfaces': o.address,
      ...(creds ? { 'com.openexchange.jolokia.user': creds.user, 'com.openexchange.jolokia.password': creds.password } : {}),
      ...cluster,
      ...(o.set ?? {}),
    },
  });
}

export function jolokiaUrl(address: string): string {
  return `http://${address}:8009/monitoring/jolokia`;
}

/** The official jolokia.js client (with its "simple" API) for a node. */
export function jolokiaClient(address: string, credentials: { user: string; password: string } = CREDENTIALS): IJolokiaSimple {
  return new Jolokia({ url: jolokiaUrl(address), username: credentials.user, password: credentials.password } as JolokiaConfiguration);
}

// jolokia.js's typings require every fetch option (cache, credentials, ...) it defaults itself.
/** Request options that make jolokia.js send a GET. */
export const GET = { method: 'get' } as RequestOptions;
