import type { GridService } from './api.js';
import type { ClusterNode } from './cluster/clusterNode.js';
import type { DataLayer } from './data/dataLayer.js';

/** The grid service: membership from the cluster layer, partitions, maps and topics from the data layer. */
export function composeGridService(node: ClusterNode, data: DataLayer): GridService {
  return {
    clusterName: node.clusterName,
    get localMember() {
      return node.local;
    },
    members: () => [...node.view().members],
    isMaster: () => node.isMaster(),
    onMembership: (listener) => node.onMembership(listener),
    isClusterSafe: () => data.isClusterSafe(),
    partitionCount: () => data.partitionCount(),
    partitions: () => data.partitions(),
    getMap: (name) => data.getMap(name),
    getTopic: (name) => data.getTopic(name),
    mapNames: () => data.mapNames(),
    topicNames: () => data.topicNames(),
  };
}
