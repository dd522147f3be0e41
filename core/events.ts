import { EventEmitter } from 'eventemitter3';
import type { BundleState } from './bundle.js';

export interface KernelEventMap {
  bundleStateChanged: (e: { bundle: string; from: BundleState; to: BundleState; reason?: string }) => void;
  serviceRegistered: (e: { bundle: string; service: string }) => void;
  serviceUnregistered: (e: { bundle: string; service: string }) => void;
  contributionAdded: (e: { bundle: string; point: string }) => void;
  contributionWithdrawn: (e: { bundle: string; point: string }) => void;
  /** A property was changed on the running node (sensitive values are masked). */
  configChanged: (e: { bundle: string; key: string; from: string; to: string }) => void;
  /** All enabled bundles were started (some may have FAILED). */
  started: () => void;
  stopping: () => void;
}

export class KernelEvents extends EventEmitter<KernelEventMap> {}
