import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import Type from 'typebox';
import type { GridMember } from '../api.js';
import { Bytes, GridMemberSchema, wireCheck, WireLimits } from '../spi/wireSchema.js';
import type { Connection } from './connection.js';
import { type Frame, FrameKind, PROTOCOL_MAJOR, PROTOCOL_VERSION } from './frame.js';

/** What a member tells a peer about its cluster once the peer proved the password. */
export interface ClusterStatus {
  /** False while the member is still looking for a cluster at start-up. */
  joined: boolean;
  masterId: string;
  masterAddress: string;
  viewVersion: number;
  memberIds: string[];
  /** The cluster version's minor the member's cluster runs at: clusters of different versions never merge. */
  clusterMinor?: number;
}

/** Who this member is, as the transport is configured (the password never leaves the transport). */
export interface LocalIdentity {
  clusterName: string;
  password: string;
  member: () => GridMember;
  status: () => ClusterStatus;
}

/** What the handshake itself uses: the group key (derived once from the password) instead of the password. */
export interface HandshakeIdentity {
  clusterName: string;
  /** `deriveGroupKey(password, clusterName)`. */
  key: Buffer;
  member: () => GridMember;
  status: () => ClusterStatus;
}

export interface HandshakeResult {
  peer: GridMember;
  status: ClusterStatus;
  /** Frames that arrived right behind the handshake, for the connection's next handler. */
  backlog: Frame[];
}

/** A refusal: by us (`local`) or by the peer. Both sides log it. */
export class HandshakeRefused extends Error {
  constructor(readonly reason: string, readonly byPeer: boolean) {
    super(reason);
  }
}

/**
 * The group key's scrypt parameters, fixed by the protocol (every member must derive the same key):
 * 64 MiB and ~120 ms of one core per derivation. An attacker who captured a proof pays that for every
 * password guess; a member pays it once at start.
 */
export const GROUP_KEY_SCRYPT = { N: 1 << 16, r: 8, p: 1, keyLength: 32 } as const;

/** The salt: protocol major and effective cluster name, so a key is good for one cluster and protocol only. */
export function groupKeySalt(clusterName: string): Buffer {
  return Buffer.from(`oxkernel-grid-${PROTOCOL_MAJOR}\0${clusterName}`, 'utf8');
}

/** The group key the proofs are keyed with: scrypt(password, protocol major + cluster name). */
export function deriveGroupKey(password: string, clusterName: string): Promise<Buffer> {
  const { N, r, p, keyLength } = GROUP_KEY_SCRYPT;
  return new Promise((resolve, reject) => {
    scrypt(password, groupKeySalt(clusterName), keyLength, { N, r, p, maxmem: 2 * 128 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** One side's proof of the group key over both nonces (initiator's first). */
export function handshakeProof(key: Buffer, role: 'initiator' | 'acceptor', cluster: string, initiatorNonce: Uint8Array, acceptorNonce: Uint8Array): Buffer {
  return createHmac('sha256', key).update(role).update('\0').update(cluster).update('\0').update(initiatorNonce).update(acceptorNonce).digest();
}

const NONCE = 16;
const PROOF = 32;
/** Longest refusal reason accepted from (or sent to) a peer. */
const REASON = 1024;

const ClusterStatusSchema = Type.Object({
  joined: Type.Boolean(),
  masterId: Type.String({ maxLength: WireLimits.ID }),
  masterAddress: Type.String({ maxLength: WireLimits.ADDRESS }),
  viewVersion: Type.Integer({ minimum: 0 }),
  memberIds: Type.Array(Type.String({ maxLength: WireLimits.ID }), { maxItems: WireLimits.MEMBERS }),
  clusterMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
});

const closed = { additionalProperties: false } as const;
/**
 * Protocol 3.0, in this order: hello (initiator: cluster name, nonce) → challenge (acceptor: nonce)
 * → proof (initiator's proof) → welcome (acceptor's proof, member, status) → member (initiator's
 * member, status). The acceptor proves only after the initiator has; nothing about either member
 * goes to a peer that has not proved.
 */
const HandshakeSchemas = {
  hello: Type.Object({ t: Type.Literal('hello'), cluster: Type.String({ minLength: 1, maxLength: WireLimits.NAME }), nonce: Bytes(NONCE, NONCE) }, closed),
  challenge: Type.Object({ t: Type.Literal('challenge'), nonce: Bytes(NONCE, NONCE) }, closed),
  proof: Type.Object({ t: Type.Literal('proof'), proof: Bytes(PROOF, PROOF) }, closed),
  welcome: Type.Object({ t: Type.Literal('welcome'), proof: Bytes(PROOF, PROOF), member: GridMemberSchema, status: ClusterStatusSchema }, closed),
  member: Type.Object({ t: Type.Literal('member'), member: GridMemberSchema, status: ClusterStatusSchema }, closed),
  refuse: Type.Object({ t: Type.Literal('refuse'), reason: Type.String({ maxLength: REASON }) }, closed),
};
type MessageType = keyof typeof HandshakeSchemas;
const checks = Object.fromEntries(Object.entries(HandshakeSchemas).map(([t, s]) => [t, wireCheck(s)])) as
  { [K in MessageType]: ReturnType<typeof wireCheck<(typeof HandshakeSchemas)[K]>> };
/** Checks refusals of other versions too: only `t` and `reason` are read. */
const isForeignRefusal = wireCheck(Type.Object({ t: Type.Literal('refuse'), reason: Type.String({ maxLength: REASON }) }));

export type HandshakeMessage =
  | { t: 'hello'; cluster: string; nonce: Buffer }
  | { t: 'challenge'; nonce: Buffer }
  | { t: 'proof'; proof: Buffer }
  | { t: 'welcome'; proof: Buffer; member: GridMember; status: ClusterStatus }
  | { t: 'member'; member: GridMember; status: ClusterStatus }
  | { t: 'refuse'; reason: string };

/** What one received frame makes the handshake do: answer, finish, or both. */
export interface HandshakeStep {
  send?: HandshakeMessage;
  done?: { peer: GridMember; status: ClusterStatus };
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * The handshake of one side as a synchronous state machine: `start` gives the first message (the
 * initiator's hello), `receive` takes each frame and throws HandshakeRefused on anything wrong. Every
 * message is checked against its schema before any of its fields is used.
 */
export class HandshakeMachine {
  /** The initiator's nonce (hex): both ends know it, so it can break ties between connections. */
  nonce = '';
  private state: 'hello' | 'challenge' | 'proof' | 'welcome' | 'member' | 'done' | 'failed';
  private initiatorNonce: Buffer | undefined;
  private acceptorNonce: Buffer | undefined;

  constructor(readonly role: 'initiator' | 'acceptor', private readonly local: HandshakeIdentity) {
    this.state = role === 'initiator' ? 'challenge' : 'hello';
  }

  /** The initiator's hello; nothing for the acceptor. */
  start(): HandshakeMessage | undefined {
    if (this.role !== 'initiator') return undefined;
    this.initiatorNonce = randomBytes(NONCE);
    this.nonce = this.initiatorNonce.toString('hex');
    return { t: 'hello', cluster: this.local.clusterName, nonce: this.initiatorNonce };
  }

  receive(frame: Frame): HandshakeStep {
    try {
      return this.step(frame);
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  private step(frame: Frame): HandshakeStep {
    if (this.state === 'done' || this.state === 'failed') throw new HandshakeRefused('a handshake message after the handshake ended', false);
    const body = frame.body;
    // Minors of one major meet (the cluster runs at the lowest); another major never does.
    if (frame.major !== PROTOCOL_MAJOR) {
      if (isForeignRefusal(body)) throw new HandshakeRefused(body.reason, true);
      throw new HandshakeRefused(`incompatible protocol version ${frame.major}.${frame.minor} (this member speaks ${PROTOCOL_VERSION})`, false);
    }
    if (frame.kind !== FrameKind.HANDSHAKE) throw new HandshakeRefused('a data frame before the handshake completed', false);
    if (checks.refuse(body)) throw new HandshakeRefused(body.reason, true);
    const expected = this.state;
    const t = typeof body === 'object' && body !== null && typeof (body as { t?: unknown }).t === 'string' ? (body as { t: string }).t : undefined;
    if (t !== expected) {
      throw new HandshakeRefused(t === undefined ? `malformed handshake message (expected a ${expected})` : `unexpected handshake message "${clip(t)}" (expected a ${expected})`, false);
    }
    const check = checks[expected];
    if (!check(body)) throw new HandshakeRefused(`malformed handshake message "${expected}": ${clip(check.explain(body))}`, false);
    const cluster = this.local.clusterName;
    switch (expected) {
      case 'hello': {
        const hello = body as Extract<HandshakeMessage, { t: 'hello' }>;
        if (hello.cluster !== cluster) throw new HandshakeRefused(`wrong group name: "${clip(hello.cluster)}" is not this cluster's "${cluster}"`, false);
        this.initiatorNonce = Buffer.from(hello.nonce);
        this.nonce = this.initiatorNonce.toString('hex');
        this.acceptorNonce = randomBytes(NONCE);
        this.state = 'proof';
        return { send: { t: 'challenge', nonce: this.acceptorNonce } };
      }
      case 'challenge': {
        this.acceptorNonce = Buffer.from((body as { nonce: Uint8Array }).nonce);
        this.state = 'welcome';
        return { send: { t: 'proof', proof: this.proof('initiator') } };
      }
      case 'proof': {
        if (!this.matches('initiator', (body as { proof: Uint8Array }).proof)) throw new HandshakeRefused('wrong group password (the peer\'s proof does not match)', false);
        this.state = 'member';
        return { send: { t: 'welcome', proof: this.proof('acceptor'), member: this.local.member(), status: this.local.status() } };
      }
      case 'welcome': {
        const welcome = body as Extract<HandshakeMessage, { t: 'welcome' }>;
        if (!this.matches('acceptor', welcome.proof)) throw new HandshakeRefused('wrong group password (the peer\'s proof does not match)', false);
        this.state = 'done';
        return { send: { t: 'member', member: this.local.member(), status: this.local.status() }, done: { peer: welcome.member, status: welcome.status } };
      }
      case 'member': {
        const m = body as Extract<HandshakeMessage, { t: 'member' }>;
        this.state = 'done';
        return { done: { peer: m.member, status: m.status } };
      }
    }
  }

  private proof(role: 'initiator' | 'acceptor'): Buffer {
    return handshakeProof(this.local.key, role, this.local.clusterName, this.initiatorNonce!, this.acceptorNonce!);
  }

  private matches(role: 'initiator' | 'acceptor', got: Uint8Array): boolean {
    const expected = this.proof(role);
    return got.length === expected.length && timingSafeEqual(expected, got);
  }
}

/**
 * Runs `machine` on `conn`: frames in, answers out, within `timeoutMs`. Finishing is synchronous in
 * the frame handler of the last handshake frame, so the connection's pre-handshake limits are lifted
 * before the frames right behind it are decoded; those go to the result's backlog.
 */
export function runHandshake(conn: Connection, machine: HandshakeMachine, timeoutMs: number): Promise<HandshakeResult> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const backlog: Frame[] = [];
    const fail = (err: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (err instanceof HandshakeRefused && !err.byPeer) conn.sendAndClose(FrameKind.HANDSHAKE, { t: 'refuse', reason: clip(err.reason) }, `refused: ${err.reason}`);
      else if (err instanceof HandshakeRefused) conn.close(`refused by peer: ${err.reason}`);
      reject(err);
    };
    const timer = setTimeout(() => conn.close(`no handshake within ${timeoutMs} ms`, true), timeoutMs);
    conn.onClose((reason) => fail(new Error(`connection closed during the handshake: ${reason}`)));
    conn.onFrame((frame) => {
      if (finished) {
        backlog.push(frame);
        return;
      }
      let step: HandshakeStep;
      try {
        step = machine.receive(frame);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (step.send) conn.send(FrameKind.HANDSHAKE, step.send);
      if (step.done) {
        finished = true;
        clearTimeout(timer);
        conn.nonce = machine.nonce;
        conn.authenticated();
        resolve({ peer: step.done.peer, status: step.done.status, backlog });
      }
    });
    const first = machine.start();
    if (first) {
      conn.nonce = machine.nonce;
      conn.send(FrameKind.HANDSHAKE, first);
    }
  });
}

/** The connecting side: hello, prove, check the acceptor's proof in its welcome, introduce itself. */
export function initiateHandshake(conn: Connection, local: HandshakeIdentity, timeoutMs: number): Promise<HandshakeResult> {
  return runHandshake(conn, new HandshakeMachine('initiator', local), timeoutMs);
}

/** The accepting side: check version and name, challenge, verify the proof, welcome. */
export function acceptHandshake(conn: Connection, local: HandshakeIdentity, timeoutMs: number): Promise<HandshakeResult> {
  return runHandshake(conn, new HandshakeMachine('acceptor', local), timeoutMs);
}
