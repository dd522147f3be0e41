import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GridMember } from '../api.js';
import type { Connection } from './connection.js';
import { type Frame, FrameKind, PROTOCOL_MAJOR, PROTOCOL_MINOR, PROTOCOL_VERSION } from './frame.js';

/** What a member tells a peer about its cluster once the peer proved the password. */
export interface ClusterStatus {
  /** False while the member is still looking for a cluster at start-up. */
  joined: boolean;
  masterId: string;
  masterAddress: string;
  viewVersion: number;
  memberIds: string[];
}

export interface LocalIdentity {
  clusterName: string;
  password: string;
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

type HandshakeMessage =
  | { t: 'hello'; cluster: string; nonce: Buffer }
  | { t: 'challenge'; nonce: Buffer; proof: Buffer }
  | { t: 'proof'; proof: Buffer; member: GridMember; status: ClusterStatus }
  | { t: 'welcome'; member: GridMember; status: ClusterStatus }
  | { t: 'refuse'; reason: string };

function proof(password: string, role: 'initiator' | 'acceptor', cluster: string, a: Buffer, b: Buffer): Buffer {
  return createHmac('sha256', password).update(role).update('\0').update(cluster).update('\0').update(a).update(b).digest();
}

function sameProof(expected: Buffer, got: unknown): boolean {
  return Buffer.isBuffer(got) || got instanceof Uint8Array
    ? got.length === expected.length && timingSafeEqual(expected, got as Uint8Array)
    : false;
}

/** Reads handshake frames one at a time; a non-handshake frame or a timeout ends it. */
function reader(conn: Connection, timeoutMs: number): { next(): Promise<HandshakeMessage>; done(): void; backlog(): Frame[] } {
  const waiting: ((f: Frame | Error) => void)[] = [];
  const arrived: (Frame | Error)[] = [];
  const deliver = (f: Frame | Error) => {
    const w = waiting.shift();
    if (w) w(f);
    else arrived.push(f);
  };
  conn.onFrame(deliver);
  conn.onClose((reason) => deliver(new Error(`connection closed during the handshake: ${reason}`)));
  const timer = setTimeout(() => conn.close(`no handshake within ${timeoutMs} ms`, true), timeoutMs);
  return {
    async next() {
      const f = arrived.shift() ?? await new Promise<Frame | Error>((resolve) => waiting.push(resolve));
      if (f instanceof Error) throw f;
      if (f.major !== PROTOCOL_MAJOR || f.minor !== PROTOCOL_MINOR) {
        const body = f.body as Partial<HandshakeMessage> | undefined;
        if (body?.t === 'refuse') throw new HandshakeRefused((body as { reason: string }).reason, true);
        throw new HandshakeRefused(`incompatible protocol version ${f.major}.${f.minor} (this member speaks ${PROTOCOL_VERSION})`, false);
      }
      if (f.kind !== FrameKind.HANDSHAKE) throw new HandshakeRefused('a data frame before the handshake completed', false);
      const m = f.body as HandshakeMessage;
      if (m?.t === 'refuse') throw new HandshakeRefused(String(m.reason), true);
      return m;
    },
    done() {
      clearTimeout(timer);
    },
    backlog() {
      return arrived.filter((f): f is Frame => !(f instanceof Error));
    },
  };
}

async function guarded<T>(conn: Connection, r: { done(): void }, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof HandshakeRefused && !err.byPeer) conn.sendAndClose(FrameKind.HANDSHAKE, { t: 'refuse', reason: err.reason }, `refused: ${err.reason}`);
    else if (err instanceof HandshakeRefused) conn.close(`refused by peer: ${err.reason}`);
    throw err;
  } finally {
    r.done();
  }
}

/** The connecting side: hello, check the acceptor's proof, prove ourselves, get welcomed. */
export function initiateHandshake(conn: Connection, local: LocalIdentity, timeoutMs: number): Promise<HandshakeResult> {
  const r = reader(conn, timeoutMs);
  return guarded(conn, r, async () => {
    const nonce = randomBytes(16);
    conn.nonce = nonce.toString('hex');
    conn.send(FrameKind.HANDSHAKE, { t: 'hello', cluster: local.clusterName, nonce });
    const challenge = await r.next();
    if (challenge.t !== 'challenge') throw new HandshakeRefused(`unexpected handshake message "${challenge.t}"`, false);
    const peerNonce = Buffer.from(challenge.nonce);
    if (!sameProof(proof(local.password, 'acceptor', local.clusterName, nonce, peerNonce), challenge.proof)) {
      throw new HandshakeRefused('wrong group password (the peer\'s proof does not match)', false);
    }
    conn.send(FrameKind.HANDSHAKE, {
      t: 'proof', proof: proof(local.password, 'initiator', local.clusterName, nonce, peerNonce), member: local.member(), status: local.status(),
    });
    const welcome = await r.next();
    if (welcome.t !== 'welcome') throw new HandshakeRefused(`unexpected handshake message "${welcome.t}"`, false);
    return { peer: welcome.member, status: welcome.status, backlog: r.backlog() };
  });
}

/** The accepting side: check version and name, challenge, verify the proof, welcome. */
export function acceptHandshake(conn: Connection, local: LocalIdentity, timeoutMs: number): Promise<HandshakeResult> {
  const r = reader(conn, timeoutMs);
  return guarded(conn, r, async () => {
    const hello = await r.next();
    if (hello.t !== 'hello') throw new HandshakeRefused(`expected a hello, got "${String(hello.t)}"`, false);
    if (hello.cluster !== local.clusterName) {
      throw new HandshakeRefused(`wrong group name: "${String(hello.cluster)}" is not this cluster's "${local.clusterName}"`, false);
    }
    const nonce = randomBytes(16);
    const peerNonce = Buffer.from(hello.nonce);
    conn.nonce = peerNonce.toString('hex');
    conn.send(FrameKind.HANDSHAKE, { t: 'challenge', nonce, proof: proof(local.password, 'acceptor', local.clusterName, peerNonce, nonce) });
    const answer = await r.next();
    if (answer.t !== 'proof') throw new HandshakeRefused(`expected a proof, got "${String(answer.t)}"`, false);
    if (!sameProof(proof(local.password, 'initiator', local.clusterName, peerNonce, nonce), answer.proof)) {
      throw new HandshakeRefused('wrong group password (the peer\'s proof does not match)', false);
    }
    conn.send(FrameKind.HANDSHAKE, { t: 'welcome', member: local.member(), status: local.status() });
    return { peer: answer.member, status: answer.status, backlog: r.backlog() };
  });
}
