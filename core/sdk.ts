/** What a custom bundle imports (`import { defineBundle } from 'oxkernel/sdk'`). */
export { BundleState, defineBundle, property } from './bundle.js';
export type {
  Bundle, BundleConfig, BundleContext, BundleManifest, ConfigChange, ConfigSchema, DependencyMap, DepsManifest,
  ListManifest, LiveBundleConfig, PropertySpec, RawProperties, Services,
} from './bundle.js';
export { CLI_COMMANDS } from './cliCommands.js';
export type { CliCommand } from './cliCommands.js';
export { contribution, declaredContributions, extensionPoint } from './extensionPoint.js';
export type { Contribution, ContributionListener, ContributionsView, DeclaredContribution, ExtensionPoint } from './extensionPoint.js';
export { KERNEL_SERVICE } from './kernelService.js';
export type { BundleInfo, ConfigUpdateReport, KernelService, LifecycleResult } from './kernelService.js';
export { serviceToken } from './serviceToken.js';
export type { ServiceToken } from './serviceToken.js';
