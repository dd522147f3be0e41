import { property } from '../../core/bundle.js';

/** The bundle's properties; defaults equal `config/management.properties`. */
export const managementConfig = {
  'com.openexchange.jolokia.start': property({ doc: 'Start the Jolokia agent under /monitoring/jolokia (it also needs a user and password)', format: 'Boolean', default: true }),
  'com.openexchange.jolokia.user': property({ doc: 'User for Jolokia basic auth; Jolokia stays off while empty', format: 'String', default: '' }),
  'com.openexchange.jolokia.password': property({ doc: 'Password for Jolokia basic auth; Jolokia stays off while empty', format: 'String', default: '', sensitive: true }),
  'com.openexchange.jolokia.restrict.to.localhost': property({ doc: 'Refuse Jolokia requests that do not come from a loopback address', format: 'Boolean', default: true }),
};
