import type { GridService } from './api.js';
import type { ClusterNode } from './cluster/clusterNode.js';
import type { DataLayer } from './data/dataLayer.js';
import type { GridInsight } from './management/gridInsight.js';
import { CODEBASE_VERSION } from './transport/protocolVersion.js';

/** The grid service: membership from the cluster layer, partitions, maps and topics from the data layer. */
export function composeGridService(node: ClusterNode, data: DataLayer): GridService {
  return {
    clusterName: node.clusterName,
    codebaseVersion: CODEBASE_VERSION,
    clusterVersion: () => node.settings.clusterVersion,
    clusterState: () => node.settings.state,
    changeClusterState: async (state) => {
      await node.settings.request({ state });
    },
    upgradeClusterVersion: async () => {
      await node.settings.request({ upgrade: true });
      return node.settings.clusterVersion;
    },
    // Only the data layer knows the custom partition groups, so it decides who holds data.
    get localMember() {
      return { ...node.local, dataMember: data.isDataMember(node.local) };
    },
    members: () => node.view().members.map((m) => ({ ...m, dataMember: data.isDataMember(m) })),
    isMaster: () => node.isMaster(),
    onMembership: (listener) => node.onMembership(listener),
    onPartitionLost: (listener) => data.onPartitionLost(listener),
    partitionLoss: () => data.partitionLoss(),
    isClusterSafe: () => data.isClusterSafe(),
    partitionCount: () => data.partitionCount(),
    partitions: () => data.partitions(),
    getMap: (name) => data.getMap(name),
    getTopic: (name) => data.getTopic(name),
    mapNames: () => data.mapNames(),
    topicNames: () => data.topicNames(),
  };
}

/** The operators' figures for the grid's MBeans, from both layers. */
export function composeGridInsight(node: ClusterNode, data: DataLayer): GridInsight {
  return {
    vitals: (member) => node.vitals.of(member.id, member.id === node.local.id),
    partitionGroups: () => data.partitionGroups(),
    migrationsRunning: () => data.migrationsRunning(),
    isMigrating: (p) => data.isMigrating(p),
    clockSkewWarnings: () => node.clock.warnings(),
  };
}
