/** What a custom bundle imports (`import { defineBundle } from 'oxkernel/sdk'`). */
export { BundleState, defineBundle, property } from './bundle.js';
export type { Bundle, BundleContext, BundleManifest, ConfigSchema, PropertySpec } from './bundle.js';
export { KERNEL_SERVICE } from './kernelService.js';
export type { BundleInfo, KernelService } from './kernelService.js';
export { serviceToken } from './serviceToken.js';
export type { ServiceToken } from './serviceToken.js';
