import type { KernelEvents } from '../../../core/events.js';

export interface BundleEvent {
  seq: number;
  time: string;
  bundle: string;
  from: string;
  to: string;
  reason: string;
}

const CAPACITY = 500;

/**
 * The last kernel `bundleStateChanged` events, numbered, for `oxk bundle list --watch`: a client
 * that polls keeps the last number it saw and misses no transition (STOPPING included) while it is
 * within the last 500 events.
 */
export class BundleEventLog {
  private readonly events: BundleEvent[] = [];
  private seq = 0;

  constructor(private readonly kernelEvents: KernelEvents) {
    kernelEvents.on('bundleStateChanged', this.record);
  }

  recent(): BundleEvent[] {
    return [...this.events];
  }

  close(): void {
    this.kernelEvents.off('bundleStateChanged', this.record);
  }

  private readonly record = (e: { bundle: string; from: string; to: string; reason?: string }): void => {
    this.seq += 1;
    this.events.push({ seq: this.seq, time: new Date().toISOString(), bundle: e.bundle, from: e.from, to: e.to, reason: e.reason ?? '' });
    if (this.events.length > CAPACITY) this.events.shift();
  };
}
