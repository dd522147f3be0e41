import type { HealthSection } from '../http/api.js';
import type { MBean } from '../management/api.js';
import type { InvalidationForwarder } from './forwarder.js';
import type { LegacyLiteMember } from './legacy/liteMember.js';

export const BRIDGE_OBJECT_NAME = 'com.openexchange.cluster.upgrade:type=LegacyBridge';

export interface RunningBridge {
  member: LegacyLiteMember;
  forwarder: InvalidationForwarder;
}

/** The counts and the connection state, for the MBean and `/health`. */
function snapshot(bridge: RunningBridge) {
  const stats = bridge.forwarder.stats;
  return {
    running: true,
    connected: bridge.member.joined,
    legacyCluster: bridge.member.clusterName,
    legacyMembers: bridge.member.others().map((m) => m.address),
    legacyNode: stats.legacyNode ?? '',
    forwarded: stats.forwarded,
    failed: stats.failed,
    lastFailure: stats.lastFailure ?? '',
  };
}

/**
 * `/health` section `legacyBridge`, withdrawn with the bundle: informational, never takes the node
 * down (the legacy side may be gone by design).
 */
export function bridgeHealth(bridge: RunningBridge): HealthSection {
  return { up: true, details: snapshot(bridge), publicFields: ['running', 'forwarded', 'failed'] };
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
  };
}
