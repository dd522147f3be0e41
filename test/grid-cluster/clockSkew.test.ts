import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOCK_PROBE, isClockReading } from '../../bundles/grid/cluster/clockProbe.js';
import { isEmpty } from '../../bundles/grid/cluster/controlSchemas.js';
import { type ClockSample, ClockSkewEstimator, clockSkewSettings, type ClockVerdict } from '../../bundles/grid/cluster/clockSkew.js';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.13.10 and .11 (this file only).
const settings = clockSkewSettings(1000, 1000);
const N = settings.samplesToWarn;
let clock = 1_700_000_000_000;

/** A sample from a member whose clock is `offsetMs` ahead, with the given round trip and quiet time. */
function sample(offsetMs: number, roundTripMs = 2, quietMs = 60_000): ClockSample {
  clock += 1000;
  return { sentAt: clock, peerClock: clock + roundTripMs / 2 + offsetMs, roundTripMs, quietMs };
}

const persistent = (v: ClockVerdict) => v.kind === 'counted' && v.persistentSkewMs !== undefined;

describe('clock skew estimator', () => {
  it('an offset of 2 s that persists is a skew after samplesToWarn samples, not before', () => {
    const e = new ClockSkewEstimator(settings);
    const verdicts = Array.from({ length: N }, () => e.add(sample(2000)));
    assert.equal(verdicts.slice(0, N - 1).some(persistent), false);
    const last = verdicts[N - 1]!;
    assert.ok(last.kind === 'counted' && last.persistentSkewMs === 2000, JSON.stringify(last));
    const behind = new ClockSkewEstimator(settings);
    const late = Array.from({ length: N }, () => behind.add(sample(-2000))).at(-1)!;
    assert.ok(late.kind === 'counted' && late.persistentSkewMs === -2000, JSON.stringify(late));
  });

  it('the offset is the peer clock minus the midpoint of the round trip', () => {
    const v = new ClockSkewEstimator(settings).add({ sentAt: 10_000, peerClock: 10_400, roundTripMs: 200, quietMs: 60_000 });
    assert.deepEqual(v, { kind: 'counted', offsetMs: 300, roundTripMs: 200, skewedInARow: 0 });
  });

  it('a single outlier, or outliers broken by a good sample or by the other direction, are no skew', () => {
    const e = new ClockSkewEstimator(settings);
    const verdicts = [
      ...Array.from({ length: N }, () => e.add(sample(3))),
      e.add(sample(2000)),
      ...Array.from({ length: N }, () => e.add(sample(3))),
      ...Array.from({ length: N - 1 }, () => e.add(sample(2000))),
      e.add(sample(10)),
      ...Array.from({ length: N - 1 }, () => e.add(sample(2000))),
      e.add(sample(-2000)),
      ...Array.from({ length: N - 1 }, () => e.add(sample(2000))),
    ];
    assert.equal(verdicts.some(persistent), false);
  });

  it('samples with a long round trip are dropped, however many', () => {
    const e = new ClockSkewEstimator(settings);
    const verdicts = Array.from({ length: 3 * N }, () => e.add(sample(2000, settings.maxRoundTripMs + 1)));
    assert.ok(verdicts.every((v) => v.kind === 'dropped' && /round trip/.test(v.why)), JSON.stringify(verdicts[0]));
  });

  it('samples right after a pause of either process are dropped, and do not break a count', () => {
    const e = new ClockSkewEstimator(settings);
    const afterPause = Array.from({ length: 3 * N }, () => e.add(sample(22_562, 2, settings.quietAfterPauseMs - 1)));
    assert.ok(afterPause.every((v) => v.kind === 'dropped' && /after a pause/.test(v.why)));
    const verdicts = [...Array.from({ length: N - 1 }, () => e.add(sample(2000))), e.add(sample(2000, 2, 0)), e.add(sample(2000))];
    assert.equal(verdicts.at(-2)!.kind, 'dropped');
    assert.ok(persistent(verdicts.at(-1)!), JSON.stringify(verdicts.at(-1)));
  });
});

describe('clock readings from a peer', () => {
  it('only finite, bounded numbers are a reading', () => {
    assert.equal(isClockReading({ t: Date.now(), q: 0 }), true);
    for (const bad of [null, 5, 'x', {}, { t: Number.NaN, q: 1 }, { t: Number.POSITIVE_INFINITY, q: 1 }, { t: 1, q: -1 }, { t: -5, q: 1 }, { t: 1, q: Number.NaN }, { t: '1', q: 1 }]) {
      assert.equal(isClockReading(bad), false, JSON.stringify(bad));
    }
    assert.match(isClockReading.explain({ t: 1, q: -1 }), /\/q/);
  });
});

describe('clock probe between two members', () => {
  it('warns once, naming both members, about a member whose clock is 2 s ahead; that member warns about nothing', async () => {
    const a = captureLogger();
    const b = captureLogger();
    const options = { groupName: 'clock', password: 'pw', probeIntervalMs: 200, heartbeatIntervalMs: 200, maxNoHeartbeatMs: 5000, clockSkewThresholdMs: 1000 };
    const first = await createClusterNode({ ...options, interfaces: '127.0.13.10' }, a.logger);
    const ahead = await createClusterNode({ ...options, interfaces: '127.0.13.11', join: 'static', staticNodes: '127.0.13.10' }, b.logger, (node) => {
      // This member answers probes with a clock 2 s ahead (the request/response path stays real).
      node.messaging.handle(CLOCK_PROBE, isEmpty, () => ({ t: Date.now() + 2000, q: 60_000 }));
    });
    try {
      const warning = await waitFor('a clock skew warning on the first member', () => a.lines.find((l) => /clock skew/.test(l)), 20_000);
      assert.match(warning, /member 127\.0\.13\.11:5701 is (19\d\d|20\d\d) ms ahead of this member 127\.0\.13\.10:5701/);
      // The skewed member saw honest readings over the same time: no warning there.
      assert.deepEqual(b.lines.filter((l) => /clock skew/.test(l)), []);
      // The warning stays in force (the HazelcastInstance MBean's clockSkewWarnings) while the skew lasts.
      const [inForce, ...more] = first.clock.warnings();
      assert.deepEqual(more, []);
      assert.equal(inForce?.member, '127.0.13.11:5701');
      assert.ok(inForce.skewMs >= 1900 && inForce.skewMs < 2100 && inForce.since <= Date.now(), JSON.stringify(inForce));
      assert.deepEqual(ahead.clock.warnings(), []);
      const counted = () => a.lines.filter((l) => /grid clock: member 127\.0\.13\.11:5701 offset/.test(l)).length;
      const before = counted();
      await waitFor(`${N} more samples`, () => counted() >= before + N, 20_000);
      assert.equal(a.lines.filter((l) => /clock skew/.test(l)).length, 1, 'warned once a minute at most');
      // The clock is set right: the first sample within the threshold ends the warning.
      ahead.messaging.handle(CLOCK_PROBE, isEmpty, () => ({ t: Date.now(), q: 60_000 }));
      await waitFor('the warning withdrawn', () => first.clock.warnings().length === 0, 20_000);
    } finally {
      await ahead.stop();
      await first.stop();
    }
  });
});
