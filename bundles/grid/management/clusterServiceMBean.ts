import { type MBean, MBeanArgumentError } from '../../management/api.js';
import { CLUSTER_STATES, type ClusterState, type GridService } from '../api.js';

/** `com.hazelcast:type=ClusterService,...`: the cluster's state and version, and the operations that change them. */
export function clusterServiceMBean(grid: GridService): MBean {
  return {
    className: 'com.hazelcast.jmx.ClusterServiceMBean',
    description: 'Cluster state and cluster version, agreed by all members',
    attributes: [
      { name: 'clusterState', type: 'java.lang.String', description: 'ACTIVE, NO_MIGRATION, FROZEN or PASSIVE', get: () => grid.clusterState() },
      { name: 'clusterVersion', type: 'java.lang.String', description: 'Grid protocol major.minor the cluster runs at (the lowest minor among its members)', get: () => grid.clusterVersion() },
      { name: 'protocolVersion', type: 'java.lang.String', description: 'Grid protocol major.minor this member speaks', get: () => grid.localMember.version },
      { name: 'codebaseVersion', type: 'java.lang.String', description: 'Package version of this member', get: () => grid.codebaseVersion },
    ],
    operations: [
      {
        name: 'changeClusterState',
        description: `Changes the state cluster-wide (${CLUSTER_STATES.join(', ')}); refused while a migration runs`,
        params: [{ name: 'state', type: 'java.lang.String' }],
        returnType: 'java.lang.String',
        invoke: async ([state]) => {
          const wanted = typeof state === 'string' ? state.trim().toUpperCase() : '';
          if (!(CLUSTER_STATES as readonly string[]).includes(wanted)) {
            throw new MBeanArgumentError(`unknown cluster state ${JSON.stringify(state)}: one of ${CLUSTER_STATES.join(', ')}`);
          }
          await grid.changeClusterState(wanted as ClusterState);
          return grid.clusterState();
        },
      },
      {
        name: 'upgradeClusterVersion',
        description: 'Raises the cluster version to the lowest minor among the members (when auto-upgrade is off)',
        params: [],
        returnType: 'java.lang.String',
        invoke: () => grid.upgradeClusterVersion(),
      },
    ],
  };
}
