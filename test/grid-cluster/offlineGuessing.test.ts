import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { effectiveClusterName } from '../../bundles/grid/transport/protocolVersion.js';
import { deriveGroupKey, handshakeProof } from '../../bundles/grid/transport/handshake.js';
import { gridNode, memberId } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { RawPeer, rawFrame } from '../support/rawGrid.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.10.40 (the member), .41 (a rogue listener in its join list), .42 (the attacker): this file only.
const MEMBER = '127.0.10.40';
const ROGUE = '127.0.10.41';
const PASSWORD = 'test-secret';
const CLUSTER = effectiveClusterName('grid-cluster-test');
/** Work one password guess must cost an attacker, in CPU time. */
const MIN_CPU_MS_PER_GUESS = 20;
const config = tempConfig();
let node: NodeProcess;
let id: string;
const captures: RawPeer[] = [];
let myNonce: Buffer;
let rogue: net.Server;

before(async () => {
  myNonce = randomBytes(16);
  // The rogue listener answers each hello with a challenge, reads what the member sends, and hangs up.
  rogue = net.createServer((s) => {
    const peer = new RawPeer(s);
    captures.push(peer);
    void peer.frameOrClose(1).then((hello) => {
      if (!hello) return;
      s.write(rawFrame({ t: 'challenge', nonce: myNonce }));
      return peer.frameOrClose(2).then(() => s.end());
    });
  });
  await new Promise<void>((resolve) => rogue.listen(5701, ROGUE, resolve));
  node = gridNode({ configDir: config.dir, address: MEMBER, route: 'OXG', staticNodes: [MEMBER, `${ROGUE}:5701`] });
  await node.ready();
  id = await memberId(node);
});
after(async () => {
  await killAll();
  rogue.close();
  config.remove();
});

/** CPU time (all threads of this process, scrypt's pool included) of `guesses` guesses, per guess. */
async function cpuMsPerGuess(guesses: string[], test: (guess: string) => Promise<boolean>): Promise<number> {
  const start = process.cpuUsage();
  for (const g of guesses) assert.equal(await test(g), false, `"${g}" is not the password`);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / guesses.length;
}

const wrongGuesses = ['password', 'wtV6$VQk8#+3ds!a', 'test-secret1'];

describe('offline password guessing against the grid handshake (real process)', () => {
  it('as initiator, an unauthenticated peer gets a bare nonce and a refusal: nothing keyed by the password', async () => {
    const peer = await RawPeer.connect(MEMBER, 5701, '127.0.10.42');
    peer.socket.write(rawFrame({ t: 'hello', cluster: CLUSTER, nonce: randomBytes(16) }));
    const challenge = await peer.frameOrClose(1);
    assert.deepEqual(Object.keys(challenge!.body as object).sort(), ['nonce', 't']);
    assert.equal(((challenge!.body as { nonce: Buffer }).nonce).length, 16);
    peer.socket.write(rawFrame({ t: 'proof', proof: randomBytes(32) }));
    await peer.closedAt;
    assert.deepEqual(peer.frames.map((f) => f.body).slice(1), [{ t: 'refuse', reason: 'wrong group password (the peer\'s proof does not match)' }]);
    const wire = Buffer.concat(peer.bytes);
    assert.ok(!wire.includes(id) && !wire.includes(`${MEMBER}:5701`), 'no member id or address');
  });

  it('as a rogue listener the member dials, it gets a proof that costs a scrypt per password guess, and nothing about the cluster', async (t) => {
    const peer = await waitFor('the member to dial the rogue listener and prove itself', () => captures.find((c) => c.frames.length >= 2), 15_000);
    await peer.closedAt;
    const [hello, proof] = peer.frames.map((f) => f.body as Record<string, Buffer | string>);
    assert.deepEqual(Object.keys(hello!).sort(), ['cluster', 'nonce', 't']);
    assert.deepEqual(Object.keys(proof!).sort(), ['proof', 't']);
    assert.equal(peer.frames.length, 2, 'nothing more before the listener proved itself');
    const wire = Buffer.concat(peer.bytes);
    assert.ok(!wire.includes(id) && !wire.includes(`${MEMBER}:5701`), 'no member id or address');

    // What the attacker can do with the capture: test each guess through the group key.
    const nonce = hello!.nonce as Buffer;
    const captured = proof!.proof as Buffer;
    const guess = async (pw: string) => handshakeProof(await deriveGroupKey(pw, CLUSTER), 'initiator', CLUSTER, nonce, myNonce).equals(captured);
    assert.equal(await guess(PASSWORD), true, 'the capture is the proof over the scrypt key (so this is the attack to price)');
    const hmacOfPassword = createHmac('sha256', PASSWORD).update('initiator').update('\0').update(CLUSTER).update('\0').update(nonce).update(myNonce).digest();
    assert.ok(!hmacOfPassword.equals(captured), 'not an HMAC keyed by the password itself (protocol 2.0: ~263k guesses/s per core)');
    const perGuess = await cpuMsPerGuess(wrongGuesses, guess);
    t.diagnostic(`one guess costs ${perGuess.toFixed(1)} ms of CPU`);
    assert.ok(perGuess >= MIN_CPU_MS_PER_GUESS, `one guess costs ${perGuess.toFixed(1)} ms of CPU, at least ${MIN_CPU_MS_PER_GUESS} ms`);
  });
});
