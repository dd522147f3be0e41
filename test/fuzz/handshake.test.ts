import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import type { GridMember } from '../../bundles/grid/api.js';
import type { Connection } from '../../bundles/grid/transport/connection.js';
import { encodeFrame, type Frame, FrameDecoder, FrameError, FrameKind } from '../../bundles/grid/transport/frame.js';
import {
  deriveGroupKey, type HandshakeIdentity, HandshakeMachine, type HandshakeMessage, HandshakeRefused, type HandshakeResult, runHandshake,
} from '../../bundles/grid/transport/handshake.js';
import { fuzzOptions } from '../support/fuzz.js';

const CLUSTER = 'fuzz-3.0';
const status = { joined: true, masterId: 'm', masterAddress: '127.0.0.1:5701', viewVersion: 3, memberIds: ['m'] };
const member = (id: string): GridMember => ({ id, address: '127.0.0.1:5701', route: 'OX1', version: '3.0', lite: false, dataMember: true });
let right: HandshakeIdentity;
let wrong: HandshakeIdentity;

before(async () => {
  right = { clusterName: CLUSTER, key: await deriveGroupKey('right', CLUSTER), member: () => member('tested'), status: () => status };
  wrong = { clusterName: CLUSTER, key: await deriveGroupKey('wrong', CLUSTER), member: () => member('peer'), status: () => status };
});

/**
 * The part of Connection the handshake uses, in memory: frames go through the real encoder and a
 * pre-handshake FrameDecoder (a FrameError closes it, as on a socket); `sent` holds what it sent.
 */
class FakeConnection {
  nonce = '';
  closed = false;
  readonly sent: Frame[] = [];
  private readonly decoder = new FrameDecoder(1 << 20, { preAuth: true });
  private frameHandler: (f: Frame) => void = () => undefined;
  private readonly closeHandlers: ((reason: string, error: boolean) => void)[] = [];

  onFrame(h: (f: Frame) => void): void {
    this.frameHandler = h;
  }
  onClose(h: (reason: string, error: boolean) => void): void {
    this.closeHandlers.push(h);
  }
  authenticated(): void {
    this.decoder.authenticated();
  }
  send(kind: number, body: unknown): boolean {
    if (this.closed) return false;
    new FrameDecoder(1 << 20).push(Buffer.concat(encodeFrame(kind as FrameKind, body)), (f) => this.sent.push(f));
    return true;
  }
  sendAndClose(kind: number, body: unknown, reason: string): void {
    this.send(kind, body);
    this.close(reason);
  }
  close(reason: string, error = false): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.closeHandlers) h(reason, error);
  }
  /** Bytes from the peer. */
  receive(bytes: Buffer): void {
    if (this.closed) return;
    try {
      this.decoder.push(bytes, (f) => this.frameHandler(f));
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.close(err.reason, true);
    }
  }
}

type Outcome = { ok: HandshakeResult } | { refused: HandshakeRefused } | { closed: Error };

/** Runs one side on a fake connection; the outcome must be there once the input is consumed and the peer closed. */
async function settle(p: Promise<HandshakeResult>, conn: FakeConnection): Promise<Outcome> {
  let outcome: Outcome | undefined;
  let other: unknown;
  p.then((ok) => { outcome = { ok }; }, (err: unknown) => {
    if (err instanceof HandshakeRefused) outcome = { refused: err };
    else if (err instanceof Error && /^connection closed during the handshake/.test(err.message)) outcome = { closed: err };
    else other = err;
  });
  conn.close('the peer hung up (end of input)');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(other, undefined, `no other exception: ${String(other)}`);
  assert.ok(outcome, 'the handshake ended (no hang)');
  return outcome;
}

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
  fc.constant({ length: 3e8 }),
  fc.constant(Buffer.alloc(16)),
  fc.constant(Buffer.alloc(32)),
);
const fieldName = fc.constantFrom('t', 'cluster', 'nonce', 'proof', 'member', 'status', 'reason', 'extra', '__proto__');
const messageType = fc.constantFrom('hello', 'challenge', 'proof', 'welcome', 'member', 'refuse', 'x');
/** A random handshake-shaped message: a known type with random fields. */
const randomMessage = fc.record({ t: messageType, fields: fc.dictionary(fieldName, value, { maxKeys: 4 }) }).map(({ t, fields }) => ({ ...fields, t }));

/** Well-formed messages of every type with random nonces and proofs: an attacker who does not know the key. */
const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((u) => Buffer.from(u));
const forged = fc.oneof(
  bytesOf(16).map((nonce) => ({ t: 'hello', cluster: CLUSTER, nonce })),
  bytesOf(16).map((nonce) => ({ t: 'challenge', nonce })),
  bytesOf(32).map((proof) => ({ t: 'proof', proof })),
  bytesOf(32).map((proof) => ({ t: 'welcome', proof, member: member('forger'), status })),
  fc.constant({ t: 'member', member: member('forger'), status }),
);

/** What a man in the middle does to one message from the honest peer. */
const tamper = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'pass' as const }) },
  fc.constant({ op: 'drop' as const }),
  fc.constant({ op: 'duplicate' as const }),
  fc.record({ op: fc.constant('field' as const), key: fieldName, value }),
  fc.record({ op: fc.constant('header' as const), major: fc.integer({ min: 0, max: 255 }), minor: fc.integer({ min: 0, max: 255 }), kind: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ op: fc.constant('inject' as const), message: randomMessage }),
  fc.record({ op: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);
type Tamper = typeof tamper extends fc.Arbitrary<infer T> ? T : never;

function header(major: number, minor: number, kind: number, length: number): Buffer {
  const h = Buffer.from([0x4f, 0x58, major, minor, kind, 0, 0, 0, 0, 0]);
  h.writeUInt32BE(length, 6);
  return h;
}

/** The honest peer's message after tampering, as bytes on the tested side's wire. */
function tampered(message: HandshakeMessage, t: Tamper): Buffer[] {
  const plain = Buffer.concat(encodeFrame(FrameKind.HANDSHAKE, message));
  switch (t.op) {
    case 'pass': return [plain];
    case 'drop': return [];
    case 'duplicate': return [plain, plain];
    case 'field': return [Buffer.concat(encodeFrame(FrameKind.HANDSHAKE, { ...message, [t.key]: t.value }))];
    case 'header': return [Buffer.concat([header(t.major, t.minor, t.kind, plain.length - 10), plain.subarray(10)])];
    case 'inject': return [Buffer.concat(encodeFrame(FrameKind.HANDSHAKE, t.message)), plain];
    case 'bytes': return [Buffer.from(t.bytes), plain];
  }
}

for (const role of ['initiator', 'acceptor'] as const) {
  test(`${role}: an honest peer through a tampering middle: success only with the right password and no harmful tampering, else a refusal or close`, async () => {
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.array(tamper, { maxLength: 4 }), async (samePassword, tampers) => {
      const conn = new FakeConnection();
      const tested = runHandshake(conn as unknown as Connection, new HandshakeMachine(role, right), 60_000);
      const peerIdentity = samePassword ? { ...right, member: () => member('peer') } : wrong;
      const peer = new HandshakeMachine(role === 'initiator' ? 'acceptor' : 'initiator', peerIdentity);
      let n = 0;
      let peerDone = false;
      const deliver = (m: HandshakeMessage) => {
        for (const bytes of tampered(m, tampers[n++] ?? { op: 'pass' })) conn.receive(bytes);
      };
      const first = peer.start();
      if (first) deliver(first);
      for (let read = 0; read < conn.sent.length && !peerDone; read++) {
        try {
          const step = peer.receive(conn.sent[read]!);
          if (step.send) deliver(step.send);
          if (step.done) peerDone = true;
        } catch (err) {
          assert.ok(err instanceof HandshakeRefused, `the honest peer only refuses: ${String(err)}`);
          if (!err.byPeer) deliver({ t: 'refuse', reason: err.reason });
          break;
        }
      }
      const outcome = await settle(tested, conn);
      if ('ok' in outcome) {
        assert.ok(samePassword, 'never a success without the right password');
        assert.equal(outcome.ok.peer.id, 'peer');
      }
      if (samePassword && tampers.every((t) => t.op === 'pass')) assert.ok('ok' in outcome && peerDone, 'untampered with the right password: both succeed');
      if (!samePassword) {
        assert.ok(!peerDone, 'the honest peer does not accept a wrong password either');
        const told = conn.sent.filter((f) => ['welcome', 'member'].includes((f.body as { t?: string }).t ?? ''));
        assert.deepEqual(told, [], 'nothing about the member goes to a peer that has not proved');
      }
    }), fuzzOptions(1000));
  });

  test(`${role}: random and mutated message sequences end in a refusal or close, never a success, a hang or another exception`, async () => {
    const item = fc.oneof(
      { weight: 3, arbitrary: forged.map((m) => ({ m, kind: FrameKind.HANDSHAKE, major: 3, minor: 0 })) },
      randomMessage.map((m) => ({ m, kind: FrameKind.HANDSHAKE, major: 3, minor: 0 })),
      fc.record({ m: randomMessage, kind: fc.integer({ min: 0, max: 5 }), major: fc.integer({ min: 0, max: 4 }), minor: fc.integer({ min: 0, max: 2 }) }),
      fc.uint8Array({ maxLength: 100 }),
    );
    await fc.assert(fc.asyncProperty(fc.array(item, { maxLength: 6 }), async (items) => {
      const conn = new FakeConnection();
      const tested = runHandshake(conn as unknown as Connection, new HandshakeMachine(role, right), 60_000);
      for (const it of items) {
        if (it instanceof Uint8Array) conn.receive(Buffer.from(it));
        else {
          const body = Buffer.concat(encodeFrame(FrameKind.HANDSHAKE, it.m)).subarray(10);
          conn.receive(Buffer.concat([header(it.major, it.minor, it.kind, body.length), body]));
        }
      }
      const outcome = await settle(tested, conn);
      assert.ok(!('ok' in outcome), 'no success without a proof made with the key');
      const told = conn.sent.filter((f) => ['welcome', 'member'].includes((f.body as { t?: string }).t ?? ''));
      assert.deepEqual(told, [], 'nothing about the member goes to a peer that has not proved');
    }), fuzzOptions(1000));
  });
}
