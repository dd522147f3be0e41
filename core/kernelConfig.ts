import { property } from './bundle.js';

/** The kernel's own properties (the `kernel.bundles.<name>.enabled` switches are checked separately). */
export const kernelSchema = {
  'kernel.bundles.path': property({
    doc: 'Comma-separated folders of custom bundles (a bundle folder, or a folder of bundle folders); relative to the config folder',
    format: 'String',
    default: '',
  }),
  'com.openexchange.server.backendRoute': property({
    doc: 'This node\'s route: the suffix of the JSESSIONID cookie that the load balancer routes by',
    format: 'route',
    default: 'OX0',
  }),
};

export const ENABLED_KEY = /^kernel\.bundles\.([^.]+)\.enabled$/;
