import type { HealthSection } from '../http/api.js';
import type { MBean } from '../management/api.js';
import type { InvalidationForwarder } from './forwarder.js';
import type { LegacyLiteMember } from './legacy/liteMember.js';

export const BRIDGE_OBJECT_NAME = 'com.openexchange.cluster.upgrade:type=LegacyBridge';

export interface RunningBridge {
  member: LegacyLiteMember;
  forwarder: InvalidationForwarder;
  /** Stops this bundle through the kernel's runtime stop (as `oxk bundle stop` does). */
  stopBundle: () => Promise<unknown>;
}

/** The counts and the connection state, for the MBean and `/health`. */
function snapshot(bridge: RunningBridge | undefined) {
  const stats = bridge?.forwarder.stats;
  return {
    running: bridge !== undefined,
    connected: bridge?.member.joined ?? false,
    legacyCluster: bridge?.member.clusterName ?? '',
    legacyMembers: bridge?.member.others().map((m) => m.address) ?? [],
    legacyNode: stats?.legacyNode ?? '',
    forwarded: stats?.forwarded ?? 0,
    failed: stats?.failed ?? 0,
    lastFailure: stats?.lastFailure ?? '',
  };
}

/** `/health` section `legacyBridge`: informational, never takes the node down (the legacy side may be gone by design). */
export function bridgeHealth(current: () => RunningBridge | undefined): HealthSection {
  return { up: true, details: snapshot(current()), publicFields: ['running', 'forwarded', 'failed'] };
}

export function bridgeMBean(bridge: RunningBridge): MBean {
  const s = () => snapshot(bridge);
  return {
    className: 'oxkernel.upgrade.LegacyBridgeMBean',
    description: 'cluster-upgrade-from-legacy: forwards cache invalidations to the legacy (0.1.0) cluster',
    attributes: [
      { name: 'Connected', type: 'boolean', description: 'joined to the legacy cluster as a lite member', get: () => s().connected },
      { name: 'LegacyCluster', type: 'java.lang.String', description: 'the legacy effective cluster name', get: () => s().legacyCluster },
      { name: 'LegacyMembers', type: '[Ljava.lang.String;', description: 'legacy members in its member list', get: () => s().legacyMembers },
      { name: 'LegacyNode', type: 'java.lang.String', description: 'the legacy member that took the last invalidation', get: () => s().legacyNode },
      { name: 'ForwardedInvalidations', type: 'long', description: 'invalidations the legacy cluster took', get: () => s().forwarded },
      { name: 'FailedInvalidations', type: 'long', description: 'invalidations that could not be forwarded', get: () => s().failed },
      { name: 'LastFailure', type: 'java.lang.String', get: () => s().lastFailure },
    ],
    operations: [{
      name: 'stop',
      description: 'stops this bundle on the running node (the kernel\'s runtime stop); nothing else changes',
      params: [],
      returnType: 'java.lang.String',
      invoke: async () => JSON.stringify(await bridge.stopBundle()),
    }],
  };
}
