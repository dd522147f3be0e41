/** One request/response with a member, NTP style. */
export interface ClockSample {
  /** Local wall clock when the request was sent (t0). */
  sentAt: number;
  /** The member's wall clock when it answered (t1). */
  peerClock: number;
  /** Round trip on the local monotonic clock (t2 - t0, immune to a wall-clock step meanwhile). */
  roundTripMs: number;
  /** Time since the last pause of either process (event-loop stall or wall-clock jump), in ms. */
  quietMs: number;
}

export interface ClockSkewSettings {
  /** An offset above this (in either direction) is a skew. */
  thresholdMs: number;
  /** Consecutive skewed samples, all in the same direction, before a skew counts as persistent. */
  samplesToWarn: number;
  /** Longer round trips are dropped: the offset is only known to ± half of it. */
  maxRoundTripMs: number;
  /** Samples taken within this time after a pause are dropped (a frozen process answers from its backlog). */
  quietAfterPauseMs: number;
}

export type ClockVerdict =
  | { kind: 'dropped'; why: string }
  | { kind: 'counted'; offsetMs: number; roundTripMs: number; skewedInARow: number; persistentSkewMs?: number };

/** `samplesToWarn` is documented in the grid README; the other bounds follow the threshold. */
export function clockSkewSettings(thresholdMs: number, heartbeatIntervalMs: number): ClockSkewSettings {
  return { thresholdMs, samplesToWarn: 5, maxRoundTripMs: thresholdMs, quietAfterPauseMs: Math.max(5000, 3 * heartbeatIntervalMs) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The clock offset of one member, estimated from request/response pairs: offset = t1 - (t0 + t2) / 2.
 * A skew is persistent once `samplesToWarn` counted samples in a row are beyond the threshold on the
 * same side; a sample within the threshold, or on the other side, starts the count again.
 */
export class ClockSkewEstimator {
  private skewed: number[] = [];

  constructor(private readonly settings: ClockSkewSettings) {}

  add(sample: ClockSample): ClockVerdict {
    const s = this.settings;
    if (!(sample.roundTripMs >= 0) || sample.roundTripMs > s.maxRoundTripMs) return { kind: 'dropped', why: `round trip ${Math.round(sample.roundTripMs)} ms is over ${s.maxRoundTripMs} ms` };
    if (sample.quietMs < s.quietAfterPauseMs) return { kind: 'dropped', why: `taken ${Math.round(sample.quietMs)} ms after a pause` };
    const offsetMs = Math.round(sample.peerClock - (sample.sentAt + sample.roundTripMs / 2));
    const roundTripMs = Math.round(sample.roundTripMs);
    if (Math.abs(offsetMs) <= s.thresholdMs) {
      this.skewed = [];
      return { kind: 'counted', offsetMs, roundTripMs, skewedInARow: 0 };
    }
    if (this.skewed.length && Math.sign(this.skewed[0]!) !== Math.sign(offsetMs)) this.skewed = [];
    this.skewed.push(offsetMs);
    if (this.skewed.length > s.samplesToWarn) this.skewed.shift();
    const skewedInARow = this.skewed.length;
    return skewedInARow < s.samplesToWarn
      ? { kind: 'counted', offsetMs, roundTripMs, skewedInARow }
      : { kind: 'counted', offsetMs, roundTripMs, skewedInARow, persistentSkewMs: Math.round(median(this.skewed)) };
  }
}
