import type { Logger } from 'winston';
import type { ClusterNodeOptions } from '../cluster/options.js';
import { parseAddress } from '../transport/addresses.js';
import { type Discovery, EmptyDiscovery } from './discovery.js';
import { MulticastDiscovery } from './multicastDiscovery.js';
import { StaticDiscovery } from './staticDiscovery.js';

/** The join mechanism named by `com.openexchange.hazelcast.network.join`. */
export function createDiscovery(o: ClusterNodeOptions, address: string, id: string, clusterName: string, isMaster: () => boolean, logger: Logger): Discovery {
  switch (o.join) {
    case 'static':
      return new StaticDiscovery(o.staticNodes, o.port);
    case 'multicast':
      return new MulticastDiscovery({
        group: o.multicastGroup,
        port: o.multicastPort,
        interfaceAddress: parseAddress(address).host,
        clusterName,
        address: () => address,
        id,
        announceIntervalMs: o.probeIntervalMs,
        isMaster,
      }, logger);
    default:
      return new EmptyDiscovery();
  }
}
