import type { BundleState } from './bundle.js';
import type { KernelEvents } from './events.js';
import { serviceToken } from './serviceToken.js';

export interface BundleInfo {
  name: string;
  version: string;
  state: BundleState;
  /** Why the bundle is UNRESOLVED or FAILED. */
  reason?: string;
  builtIn: boolean;
  requires: string[];
  optionalRequires: string[];
  provides: string[];
}

/** What the kernel itself offers every bundle (no need to declare it in `requires`). */
export interface KernelService {
  bundles(): BundleInfo[];
  readonly events: KernelEvents;
}

export const KERNEL_SERVICE = serviceToken<KernelService>('kernel');
