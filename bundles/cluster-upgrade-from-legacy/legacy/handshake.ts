import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LegacyConnection } from './connection.js';
import { type LegacyFrame, LegacyFrameKind, LEGACY_MAJOR, LEGACY_MINOR, LEGACY_VERSION } from './frame.js';

/** A member as 0.1.0 describes it (its `GridMember`). */
export interface LegacyMember {
  id: string;
  address: string;
  route: string;
  version: string;
  lite: boolean;
  dataMember: boolean;
}

/** What a 0.1.0 member tells a peer about its cluster in the handshake. */
export interface LegacyStatus {
  joined: boolean;
  masterId: string;
  masterAddress: string;
  viewVersion: number;
  memberIds: string[];
}

export interface LegacyIdentity {
  /** The legacy effective cluster name: `<group name>-2.0`. */
  clusterName: string;
  password: string;
  member: LegacyMember;
  status: () => LegacyStatus;
}

export interface LegacyHandshakeResult {
  peer: LegacyMember;
  status: LegacyStatus;
  /** Frames that arrived right behind the handshake, for the connection's next handler. */
  backlog: LegacyFrame[];
}

/** A refusal, by the legacy member (`byPeer`) or by the bridge. */
export class LegacyHandshakeRefused extends Error {
  constructor(readonly reason: string, readonly byPeer: boolean) {
    super(reason);
  }
}

type Message =
  | { t: 'hello'; cluster: string; nonce: Uint8Array }
  | { t: 'challenge'; nonce: Uint8Array; proof: Uint8Array }
  | { t: 'proof'; proof: Uint8Array; member: LegacyMember; status: LegacyStatus }
  | { t: 'welcome'; member: LegacyMember; status: LegacyStatus }
  | { t: 'refuse'; reason: string };

/** 2.0's proof: HMAC-SHA256 keyed with the group password over role, cluster name and both nonces. */
function proof(password: string, role: 'initiator' | 'acceptor', cluster: string, a: Uint8Array, b: Uint8Array): Buffer {
  return createHmac('sha256', password).update(role).update('\0').update(cluster).update('\0').update(a).update(b).digest();
}

function sameProof(expected: Buffer, got: unknown): boolean {
  return got instanceof Uint8Array && got.length === expected.length && timingSafeEqual(expected, got);
}

/** Handshake frames one at a time; a refusal, another version, a close or the deadline end it. */
function reader(conn: LegacyConnection, timeoutMs: number): { next(): Promise<Message>; done(): void; backlog(): LegacyFrame[] } {
  const waiting: ((f: LegacyFrame | Error) => void)[] = [];
  const arrived: (LegacyFrame | Error)[] = [];
  const deliver = (f: LegacyFrame | Error) => {
    const w = waiting.shift();
    if (w) w(f);
    else arrived.push(f);
  };
  conn.onFrame(deliver);
  conn.onClose((reason) => deliver(new Error(`connection to ${conn.remote} closed during the handshake: ${reason}`)));
  const timer = setTimeout(() => conn.close(`no handshake within ${timeoutMs} ms`), timeoutMs);
  return {
    async next() {
      const f = arrived.shift() ?? await new Promise<LegacyFrame | Error>((resolve) => waiting.push(resolve));
      if (f instanceof Error) throw f;
      const body = f.body as Partial<Message> | undefined;
      if (body?.t === 'refuse') throw new LegacyHandshakeRefused(String((body as { reason: unknown }).reason), true);
      if (f.major !== LEGACY_MAJOR || f.minor !== LEGACY_MINOR) {
        throw new LegacyHandshakeRefused(`${conn.remote} speaks grid protocol ${f.major}.${f.minor}, not the legacy ${LEGACY_VERSION}: it is not a 0.1.0 member`, false);
      }
      if (f.kind !== LegacyFrameKind.HANDSHAKE || typeof body?.t !== 'string') throw new LegacyHandshakeRefused('a data frame before the handshake completed', false);
      return body as Message;
    },
    done() {
      clearTimeout(timer);
    },
    backlog() {
      return arrived.filter((f): f is LegacyFrame => !(f instanceof Error));
    },
  };
}

async function guarded<T>(conn: LegacyConnection, r: { done(): void }, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof LegacyHandshakeRefused && !err.byPeer) conn.send(LegacyFrameKind.HANDSHAKE, { t: 'refuse', reason: err.reason });
    conn.close(`handshake failed: ${(err as Error).message}`);
    throw err;
  } finally {
    r.done();
  }
}

/** The connecting side, as 0.1.0's `initiateHandshake`: hello, check the acceptor's proof, prove, get welcomed. */
export function initiateLegacyHandshake(conn: LegacyConnection, local: LegacyIdentity, timeoutMs: number): Promise<LegacyHandshakeResult> {
  const r = reader(conn, timeoutMs);
  return guarded(conn, r, async () => {
    const nonce = randomBytes(16);
    conn.send(LegacyFrameKind.HANDSHAKE, { t: 'hello', cluster: local.clusterName, nonce });
    const challenge = await r.next();
    if (challenge.t !== 'challenge') throw new LegacyHandshakeRefused(`unexpected handshake message "${challenge.t}"`, false);
    const peerNonce = Buffer.from(challenge.nonce);
    if (!sameProof(proof(local.password, 'acceptor', local.clusterName, nonce, peerNonce), challenge.proof)) {
      throw new LegacyHandshakeRefused(`wrong group password: the proof of ${conn.remote} does not match this node's com.openexchange.hazelcast.group.password`, false);
    }
    conn.send(LegacyFrameKind.HANDSHAKE, {
      t: 'proof', proof: proof(local.password, 'initiator', local.clusterName, nonce, peerNonce), member: local.member, status: local.status(),
    });
    const welcome = await r.next();
    if (welcome.t !== 'welcome') throw new LegacyHandshakeRefused(`unexpected handshake message "${welcome.t}"`, false);
    return { peer: welcome.member, status: welcome.status, backlog: r.backlog() };
  });
}

/** The accepting side (legacy members dial the bridge when their address sorts first), as 0.1.0's `acceptHandshake`. */
export function acceptLegacyHandshake(conn: LegacyConnection, local: LegacyIdentity, timeoutMs: number): Promise<LegacyHandshakeResult> {
  const r = reader(conn, timeoutMs);
  return guarded(conn, r, async () => {
    const hello = await r.next();
    if (hello.t !== 'hello') throw new LegacyHandshakeRefused(`expected a hello, got "${hello.t}"`, false);
    if (hello.cluster !== local.clusterName) throw new LegacyHandshakeRefused(`wrong group name: "${String(hello.cluster)}" is not "${local.clusterName}"`, false);
    const nonce = randomBytes(16);
    const peerNonce = Buffer.from(hello.nonce);
    conn.send(LegacyFrameKind.HANDSHAKE, { t: 'challenge', nonce, proof: proof(local.password, 'acceptor', local.clusterName, peerNonce, nonce) });
    const answer = await r.next();
    if (answer.t !== 'proof') throw new LegacyHandshakeRefused(`expected a proof, got "${answer.t}"`, false);
    if (!sameProof(proof(local.password, 'initiator', local.clusterName, peerNonce, nonce), answer.proof)) {
      throw new LegacyHandshakeRefused('wrong group password (the peer\'s proof does not match)', false);
    }
    conn.send(LegacyFrameKind.HANDSHAKE, { t: 'welcome', member: local.member, status: local.status() });
    return { peer: answer.member, status: answer.status, backlog: r.backlog() };
  });
}
