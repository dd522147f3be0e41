import Type, { type Static } from 'typebox';
import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import { messageCheck } from '../spi/wireSchema.js';
import { isEmpty } from './controlSchemas.js';
import { ClockSkewEstimator, type ClockSkewSettings } from './clockSkew.js';
import type { Membership } from './membership.js';
import type { Messaging } from './messaging.js';
import { PauseWatch } from './pauseWatch.js';

const QUIET_CAP_MS = 2 ** 31 - 1;
/** The largest time a Date can hold. */
const MAX_EPOCH_MS = 8.64e15;
const WARN_EVERY_MS = 60_000;

/** The request: no payload (null). The answer: `ClockReadingSchema`. */
export const CLOCK_PROBE = 'cluster.clockProbe';

/** The member's wall clock when it answered, and ms since its last pause (capped). Bounds also refuse NaN and Infinity. */
export const ClockReadingSchema = Type.Object({
  t: Type.Number({ minimum: 0, maximum: MAX_EPOCH_MS }),
  q: Type.Number({ minimum: 0, maximum: QUIET_CAP_MS }),
});
export type ClockReading = Static<typeof ClockReadingSchema>;
export const isClockReading = messageCheck(`${CLOCK_PROBE} answer`, ClockReadingSchema);

/** A persistent skew of one member, in force until a sample within the threshold (or the member leaves). */
export interface ClockSkewWarning {
  /** The member's address. */
  member: string;
  /** The last persistent offset: positive when the member is ahead of this one. */
  skewMs: number;
  /** When the warning came into force (ms since the epoch). */
  since: number;
}

/**
 * Measures the clock offset of every member by request/response (NTP style) once per interval and
 * warns about a skew that persists; a reading taken around a pause of either process is dropped.
 */
export class ClockProbe {
  private readonly pauses = new PauseWatch();
  private readonly estimators = new Map<string, ClockSkewEstimator>();
  private readonly inFlight = new Set<string>();
  private readonly warnedAt = new Map<string, number>();
  private readonly inForce = new Map<string, ClockSkewWarning>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly settings: ClockSkewSettings,
    private readonly membership: Membership,
    private readonly messaging: Messaging,
    private readonly logger: Logger,
  ) {}

  /** Answers other members' probes; call before joining. */
  install(): void {
    this.pauses.start();
    this.messaging.handle(CLOCK_PROBE, isEmpty, (): ClockReading => ({ t: Date.now(), q: Math.min(QUIET_CAP_MS, Math.round(this.pauses.quietMs())) }));
  }

  start(): void {
    this.timer = setInterval(() => this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.pauses.stop();
  }

  /** The skews this member warns about now, oldest first. */
  warnings(): ClockSkewWarning[] {
    return [...this.inForce.values()].map((w) => ({ ...w }));
  }

  private probeAll(): void {
    const members = this.membership.view.members.filter((m) => m.id !== this.membership.local.id);
    const current = new Set(members.map((m) => m.id));
    for (const id of this.estimators.keys()) {
      if (!current.has(id)) {
        this.estimators.delete(id);
        this.warnedAt.delete(id);
        this.inForce.delete(id);
      }
    }
    for (const m of members) void this.probe(m);
  }

  private async probe(member: GridMember): Promise<void> {
    if (this.inFlight.has(member.id)) return;
    this.inFlight.add(member.id);
    const sentAt = Date.now();
    const sentMono = performance.now();
    let reading: ClockReading;
    try {
      reading = await this.messaging.request(member, CLOCK_PROBE, null, isClockReading, Math.max(2 * this.intervalMs, this.settings.maxRoundTripMs));
    } catch {
      return; // No answer is the failure detector's business, not the clock's.
    } finally {
      this.inFlight.delete(member.id);
    }
    const roundTripMs = performance.now() - sentMono;
    const localQuietMs = this.pauses.quietMs();
    if (!this.membership.has(member.id)) return;
    let estimator = this.estimators.get(member.id);
    if (!estimator) this.estimators.set(member.id, (estimator = new ClockSkewEstimator(this.settings)));
    const verdict = estimator.add({ sentAt, peerClock: reading.t, roundTripMs, quietMs: Math.min(localQuietMs, reading.q) });
    if (verdict.kind === 'dropped') {
      this.logger.debug(`grid clock: sample from member ${member.address} dropped: ${verdict.why}`);
      return;
    }
    this.logger.debug(`grid clock: member ${member.address} offset ${verdict.offsetMs} ms (round trip ${verdict.roundTripMs} ms, ${verdict.skewedInARow} skewed in a row)`);
    if (verdict.skewedInARow === 0) this.inForce.delete(member.id);
    if (verdict.persistentSkewMs !== undefined) this.warn(member, verdict.persistentSkewMs);
  }

  private warn(member: GridMember, skewMs: number): void {
    this.inForce.set(member.id, { member: member.address, skewMs, since: this.inForce.get(member.id)?.since ?? Date.now() });
    const now = performance.now();
    const last = this.warnedAt.get(member.id);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    this.warnedAt.set(member.id, now);
    const s = this.settings;
    this.logger.warn(`grid clock skew: member ${member.address} is ${Math.abs(skewMs)} ms ${skewMs > 0 ? 'ahead of' : 'behind'} this member ${this.membership.local.address} ` +
      `(median of ${s.samplesToWarn} samples in a row, round trips under ${s.maxRoundTripMs} ms; threshold ${s.thresholdMs} ms); keep the clocks in sync with NTP`);
  }
}
