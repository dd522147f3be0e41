import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import winston from 'winston';
import type { GridMember } from '../../bundles/grid/api.js';
import { FailureDetector } from '../../bundles/grid/cluster/failureDetector.js';
import type { Membership } from '../../bundles/grid/cluster/membership.js';
import type { Peers } from '../../bundles/grid/cluster/peers.js';

const MAX_NO_HEARTBEAT = 3000;
const member = (n: number): GridMember => ({ id: `m${n}`, address: `127.0.0.${n}:5701`, route: `OX${n}`, lite: false }) as GridMember;
const logger = winston.createLogger({ silent: true });

/** A detector on a clock the test moves, in a view of `members` where `local` is this member (members[0] is the master). */
function setup(members: GridMember[], local: GridMember) {
  let now = 1_000_000;
  const view = { version: 5, members };
  const lastReceived = new Map<string, number>();
  const membership = { get view() { return view; }, local } as unknown as Membership;
  const peers = { get: (id: string) => (lastReceived.has(id) ? { lastReceived: lastReceived.get(id)! } : undefined) } as unknown as Peers;
  const detector = new FailureDetector({ heartbeatIntervalMs: 1000, maxNoHeartbeatMs: MAX_NO_HEARTBEAT }, membership, peers, logger, () => undefined, () => undefined, () => now);
  return {
    detector, view,
    advance: (ms: number) => { now += ms; },
    /** A frame from `m` read `ms` from now. */
    frameFrom: (m: GridMember, ms = 0) => lastReceived.set(m.id, now + ms),
  };
}

describe('ownership fence after a freeze (a member paused past its removal must not answer as owner from its stale copy)', () => {
  const [a, b, c] = [member(1), member(2), member(3)];

  test('no fence while the member keeps running, nor after a stall shorter than half the heartbeat limit', () => {
    const s = setup([a, b, c], c);
    assert.equal(s.detector.ownershipFenced(), false);
    s.advance(MAX_NO_HEARTBEAT / 2);
    assert.equal(s.detector.ownershipFenced(), false);
  });

  test('a longer freeze fences until a frame from the master arrives that was sent after it; frames queued during the freeze do not count', () => {
    const s = setup([a, b, c], c);
    s.frameFrom(a);
    s.advance(MAX_NO_HEARTBEAT);
    assert.equal(s.detector.ownershipFenced(), true);
    s.frameFrom(a, 5);
    s.frameFrom(b, 500);
    s.advance(10);
    assert.equal(s.detector.ownershipFenced(), true, 'a frame read right after the resume, and frames from a member that is not the master');
    s.advance(500);
    s.frameFrom(a);
    assert.equal(s.detector.ownershipFenced(), false);
    assert.equal(s.detector.ownershipFenced(), false, 'stays lifted');
  });

  test('a new member list (the member was removed and joined again) lifts the fence', () => {
    const s = setup([a, b, c], c);
    s.advance(MAX_NO_HEARTBEAT);
    assert.equal(s.detector.ownershipFenced(), true);
    s.advance(2000);
    assert.equal(s.detector.ownershipFenced(), true, 'no news: still fenced');
    s.view.version = 7;
    assert.equal(s.detector.ownershipFenced(), false);
  });

  test('on the master, a frame from any member sent after the freeze lifts it; a lone member is never fenced', () => {
    const s = setup([a, b, c], a);
    s.advance(MAX_NO_HEARTBEAT);
    assert.equal(s.detector.ownershipFenced(), true);
    s.frameFrom(c, 200);
    s.advance(200);
    assert.equal(s.detector.ownershipFenced(), false);

    const lone = setup([a], a);
    lone.advance(MAX_NO_HEARTBEAT);
    assert.equal(lone.detector.ownershipFenced(), false);
  });
});
