/** A member's memory as its heartbeats carry it: heap used, heap total, resident set size (bytes). */
export type MemoryReport = [heapUsed: number, heapTotal: number, rss: number];

export interface MemberVitals {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  /** Ms since the last heartbeat from the member (since it entered the view when none came yet); 0 for this member. */
  heartbeatAgeMs: number;
}

/** `process.memoryUsage()` reads /proc for the RSS: heartbeats to every member within this time share one reading. */
const LOCAL_READING_MS = 500;

/**
 * What heartbeats tell of the other members: the memory they reported and when their last heartbeat
 * arrived (monotonic clock, immune to wall-clock steps). This member's own memory is read live.
 */
export class VitalsBook {
  private readonly members = new Map<string, { heardAt: number; memory?: MemoryReport }>();
  private localReading: { at: number; memory: MemoryReport } | undefined;

  /** The member entered the view: its age counts from now until its first heartbeat. */
  added(id: string): void {
    if (!this.members.has(id)) this.members.set(id, { heardAt: performance.now() });
  }

  /** `memory` is absent while the cluster version is 3.0 (see FEATURE_MINOR): memory stays unknown (0). */
  heartbeat(id: string, memory: MemoryReport | undefined): void {
    const entry = this.members.get(id);
    if (!entry) {
      this.members.set(id, { heardAt: performance.now(), memory });
      return;
    }
    entry.heardAt = performance.now();
    if (memory) entry.memory = memory;
  }

  forget(id: string): void {
    this.members.delete(id);
  }

  /** This member's memory for its heartbeats. */
  localMemory(): MemoryReport {
    const now = performance.now();
    if (!this.localReading || now - this.localReading.at > LOCAL_READING_MS) {
      const m = process.memoryUsage();
      this.localReading = { at: now, memory: [m.heapUsed, m.heapTotal, m.rss] };
    }
    return this.localReading.memory;
  }

  /** Undefined for a member this book never heard of. */
  of(id: string, local: boolean): MemberVitals | undefined {
    if (local) {
      const m = process.memoryUsage();
      return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, heartbeatAgeMs: 0 };
    }
    const entry = this.members.get(id);
    if (!entry) return undefined;
    const [heapUsed, heapTotal, rss] = entry.memory ?? [0, 0, 0];
    return { heapUsed, heapTotal, rss, heartbeatAgeMs: Math.round(performance.now() - entry.heardAt) };
  }
}
