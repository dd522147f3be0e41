import { property } from '../../core/bundle.js';

/**
 * The bundle's properties; defaults equal `config/management.properties`. The Hazelcast JMX switch
 * lives in `hazelcast.properties` (the grid's table); the kernel validates every bundle's schema
 * against the same merged values, so reading it here also honours `--set`.
 */
export const managementConfig = {
  'com.openexchange.hazelcast.jmx': property({ doc: 'Register the grid\'s MBeans (com.hazelcast:*); set in hazelcast.properties', format: 'Boolean', default: true }),
  'com.openexchange.jolokia.start': property({ doc: 'Start the Jolokia agent under /monitoring/jolokia (it also needs a user and password)', format: 'Boolean', default: true }),
  'com.openexchange.jolokia.user': property({ doc: 'User for Jolokia basic auth; Jolokia stays off while empty', format: 'String', default: '' }),
  'com.openexchange.jolokia.password': property({ doc: 'Password for Jolokia basic auth; Jolokia stays off while empty', format: 'String', default: '', sensitive: true }),
  'com.openexchange.jolokia.restrict.to.localhost': property({ doc: 'Refuse Jolokia requests that do not come from a loopback address', format: 'Boolean', default: true }),
};
