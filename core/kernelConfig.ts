import { property } from './bundle.js';

/** The kernel's own properties (the `kernel.bundles.<name>.enabled` switches are checked separately). */
export const kernelSchema = {
  'kernel.bundles.path': property({
    doc: 'Comma-separated folders of custom bundles (a bundle folder, or a folder of bundle folders); relative to the config folder',
    format: 'String',
    default: '',
  }),
  'kernel.log.level': property({
    doc: 'Least severe level logged: error, warn, info or debug ($OXK_LOG_LEVEL gives the default)',
    format: ['error', 'warn', 'info', 'debug'] as const,
    default: process.env.OXK_LOG_LEVEL ?? 'info',
    reloadable: true,
  }),
  'com.openexchange.server.backendRoute': property({
    doc: 'This node\'s route: the suffix of the JSESSIONID cookie that the load balancer routes by',
    format: 'route',
    default: 'OX0',
  }),
};

export const ENABLED_KEY = /^kernel\.bundles\.([^.]+)\.enabled$/;
