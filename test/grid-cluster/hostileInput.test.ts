import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PRE_AUTH_MAX_FRAME } from '../../bundles/grid/transport/frame.js';
import { effectiveClusterName } from '../../bundles/grid/transport/protocolVersion.js';
import { gridHealth, gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { pushFrame, RawPeer, rawFrame, rawHeader, rssOf } from '../support/rawGrid.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.10.1-.2 (members), .10-.29 (attackers), .30-.31 (rogue listeners): this file only.
const A = '127.0.10.1';
const B = '127.0.10.2';
const ROGUE = '127.0.10.31';
const CLUSTER = effectiveClusterName('grid-cluster-test');
const config = tempConfig();
let a: NodeProcess;
let b: NodeProcess;
/** The rogue listener's behaviour for each connection a member opens to it. */
let rogueAnswer: (peer: RawPeer) => void = (peer) => peer.socket.destroy();
let rogue: net.Server;

before(async () => {
  rogue = net.createServer((s) => rogueAnswer(new RawPeer(s)));
  await new Promise<void>((resolve) => rogue.listen(5701, ROGUE, resolve));
  a = gridNode({ configDir: config.dir, address: A, route: 'OXA', staticNodes: [A, B, `${ROGUE}:5701`] });
  await a.ready();
  b = gridNode({ configDir: config.dir, address: B, route: 'OXB', staticNodes: [A] });
  await b.ready();
  await waitForMembers([A, B], 2);
});
after(async () => {
  await killAll();
  rogue.close();
  config.remove();
});

/** Spaces out polling rounds (pacing only: nothing waits on it for an event). */
function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Fails with the node's last log lines when `pattern` is not logged in time. */
function logged(node: NodeProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return node.waitForLine(pattern, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; node output:\n${node.output().slice(-3000)}`);
  });
}

/** /health of both members answers within 2 s and shows both, for `ms` (the failure detector's 3 s and more). */
async function clusterKeepsBothFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const address of [A, B]) {
      const started = Date.now();
      const h = await fetch(`http://${address}:8009/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.json() as Promise<{ grid?: { members: number } }>);
      assert.equal(h.grid?.members, 2, `${address} still has both members`);
      assert.ok(Date.now() - started < 2000);
    }
    await pace(200);
  }
}

describe('hostile input on the grid port (real processes)', () => {
  it('the map bomb: a 67 MB frame of empty maps is refused from its header; the node answers /health throughout and logs one line', async () => {
    const count = 67_000_000 - 5;
    const body = Buffer.alloc(67_000_000, 0x80); // msgpack: array32 of `count` empty maps (0x80 each)
    body[0] = 0xdd;
    body.writeUInt32BE(count, 1);
    const attacks = [10, 11, 12].map(async (n) => {
      const peer = await RawPeer.connect(A, 5701, `127.0.10.${n}`);
      const sent = await pushFrame(peer.socket, rawHeader(body.length), body.length, body);
      await peer.closedAt;
      return sent;
    });
    const health = gridHealth(A);
    const sent = await Promise.all(attacks);
    const h = await health;
    assert.equal(h?.grid?.members, 2, '/health answered during the attack');
    assert.ok(sent.every((s) => s < body.length), `the node closed every connection before the whole body was sent (sent ${sent.join(', ')} bytes)`);
    await logged(a, new RegExp(`grid dropped a connection from 127\\.0\\.10\\.10: frame of 67000000 bytes exceeds the maximum of ${PRE_AUTH_MAX_FRAME} before the handshake`));
    assert.equal(a.lines.filter((l) => /from 127\.0\.10\.10: frame of/.test(l)).length, 1, 'one line per attacking address');
    await clusterKeepsBothFor(1000);
    assert.ok(a.running);
  });

  it('a hello of under 100 bytes whose nonce is {length: 3e8} is refused by its schema; the 2-node cluster keeps both members', async () => {
    const hello = rawFrame({ t: 'hello', cluster: CLUSTER, nonce: { length: 3e8 } });
    assert.ok(hello.length < 100, `${hello.length} bytes`);
    for (let i = 0; i < 5; i++) {
      const peer = await RawPeer.connect(A, 5701, '127.0.10.13');
      peer.socket.write(hello);
      const reply = await peer.frameOrClose(1);
      assert.deepEqual(reply?.body, { t: 'refuse', reason: 'malformed handshake message "hello": /nonce must be 16 to 16 bytes' });
      await peer.closedAt;
    }
    await logged(a, /grid handshake from 127\.0\.10\.13:\d+ failed: refused 127\.0\.10\.13:\d+: malformed handshake message "hello": \/nonce must be 16 to 16 bytes/);
    assert.equal(a.lines.filter((l) => /from 127\.0\.10\.13:\d+ failed/.test(l)).length, 1, 'rate-limited: one line for five attempts');
    // Heartbeat timeout is 3 s: a node frozen for longer would be dropped by the other.
    await clusterKeepsBothFor(4500);
  });

  it('the acceptor refuses each malformed or out-of-order handshake message with a reason', async () => {
    const cases: [unknown, RegExp][] = [
      [{ t: 'hello', cluster: CLUSTER, nonce: randomBytes(16), extra: 1 }, /^malformed handshake message "hello": \/extra /],
      [{ t: 'hello', cluster: 42, nonce: randomBytes(16) }, /^malformed handshake message "hello": \/cluster /],
      [{ t: 'hello', cluster: CLUSTER, nonce: randomBytes(17) }, /^malformed handshake message "hello": \/nonce must be 16 to 16 bytes/],
      [{ t: 'proof', proof: randomBytes(32) }, /^unexpected handshake message "proof" \(expected a hello\)/],
      [[1, 2, 3], /^malformed handshake message \(expected a hello\)/],
      [{ t: 'x'.repeat(3000) }, /^unexpected handshake message "x{100,}/],
    ];
    for (const [body, reason] of cases) {
      const peer = await RawPeer.connect(A, 5701, '127.0.10.14');
      peer.socket.write(rawFrame(body));
      const reply = await peer.frameOrClose(1);
      const said = (reply?.body as { reason: string }).reason;
      assert.match(said, reason);
      assert.ok(said.length <= 201, 'a refusal\'s reason is clipped to 200 characters');
      await peer.closedAt;
    }
    // After a valid hello, a malformed proof.
    const peer = await RawPeer.connect(A, 5701, '127.0.10.14');
    peer.socket.write(rawFrame({ t: 'hello', cluster: CLUSTER, nonce: randomBytes(16) }));
    await peer.frameOrClose(1);
    peer.socket.write(rawFrame({ t: 'proof', proof: { length: 3e8 } }));
    const reply = await peer.frameOrClose(2);
    assert.deepEqual(reply?.body, { t: 'refuse', reason: 'malformed handshake message "proof": /proof must be 32 to 32 bytes' });
    assert.ok(a.running);
  });

  it('refusals that echo what the peer sent (here: 30 group names) are logged at most 10 times a minute per address', async () => {
    for (let i = 0; i < 30; i++) {
      const peer = await RawPeer.connect(A, 5701, '127.0.10.27');
      peer.socket.write(rawFrame({ t: 'hello', cluster: `guess-${String.fromCharCode(97 + (i % 26))}${'z'.repeat(i)}`, nonce: randomBytes(16) }));
      assert.match(((await peer.frameOrClose(1))?.body as { reason: string }).reason, /^wrong group name/);
      await peer.closedAt;
    }
    // A marker from another address: once it is in the output, so is every line logged before it.
    const marker = await RawPeer.connect(A, 5701, '127.0.10.28');
    marker.socket.write(Buffer.alloc(12, 0xff));
    await logged(a, /grid dropped a connection from 127\.0\.10\.28: bad magic bytes/);
    assert.equal(a.lines.filter((l) => /from 127\.0\.10\.27:\d+ failed/.test(l)).length, 10);
  });

  it('the initiator refuses a rogue listener\'s malformed challenge (nonce {length: 3e8}) and keeps running', async () => {
    const refusals: unknown[] = [];
    rogueAnswer = (peer) => {
      void peer.frameOrClose(1).then((hello) => {
        if (!hello) return;
        peer.socket.write(rawFrame({ t: 'challenge', nonce: { length: 3e8 } }));
        void peer.frameOrClose(2).then((f) => f && refusals.push(f.body));
      });
    };
    await waitFor('a member to dial the rogue listener and refuse its challenge', () => refusals.length > 0, 15_000);
    rogueAnswer = (peer) => peer.socket.destroy();
    assert.deepEqual(refusals[0], { t: 'refuse', reason: 'malformed handshake message "challenge": /nonce must be 16 to 16 bytes' });
    await logged(a, /grid handshake with 127\.0\.10\.31:5701 failed: this member refused 127\.0\.10\.31:5701: malformed handshake message "challenge"/);
    await clusterKeepsBothFor(1000);
  });

  it('64 connections pushing 60 MiB of announced 64 MiB frames leave the node\'s RSS within 48 MiB of where it was', async (t) => {
    const before = await rssOf(a.pid);
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(a.pid));
        await pace(50);
      }
    })();
    const chunk = Buffer.alloc(1 << 20, 0x80);
    const kinds = [1, 2, 3, 4];
    const attacks = Array.from({ length: 64 }, async (_, i) => {
      const peer = await RawPeer.connect(A, 5701, `127.0.10.${16 + (i % 8)}`);
      return pushFrame(peer.socket, rawHeader(64 * 1024 * 1024, { kind: kinds[i % 4] }), 60 * 1024 * 1024, chunk);
    });
    const sent = await Promise.all(attacks);
    sampling = false;
    await sampler;
    const grew = peak - before;
    t.diagnostic(`RSS ${(before / 1048576).toFixed(1)} MiB before, peak ${(peak / 1048576).toFixed(1)} MiB during the attack`);
    assert.ok(grew < 48 * 1024 * 1024, `RSS grew by ${(grew / 1048576).toFixed(1)} MiB (from ${(before / 1048576).toFixed(1)} MiB)`);
    assert.ok(sent.every((s) => s < 60 * 1024 * 1024), 'every connection was dropped before its frame was through');
    await logged(a, /grid dropped a connection from 127\.0\.10\.16: a frame of kind 2 before the handshake completed|grid dropped a connection from 127\.0\.10\.16: frame of 67108864 bytes/);
    await clusterKeepsBothFor(500);
  });

  it('connections in handshake beyond the per-address limit are closed at once, with one log line', async () => {
    // 16 (the default per address) stay open in handshake: each has sent 10 bytes of a hello's header.
    const holders = await Promise.all(Array.from({ length: 16 }, () => RawPeer.connect(A, 5701, '127.0.10.25')));
    for (const h of holders) h.socket.write(rawHeader(100));
    const extra = await Promise.all(Array.from({ length: 4 }, () => RawPeer.connect(A, 5701, '127.0.10.25')));
    await Promise.all(extra.map((p) => p.closedAt));
    assert.equal(holders.filter((h) => h.closed).length, 0, 'the first 16 are still waiting for their deadline');
    await logged(a, /grid dropped a connection from 127\.0\.10\.25: too many connections in handshake from one address \(16: network\.handshake\.maxPendingPerAddress\)/);
    assert.equal(a.lines.filter((l) => /from 127\.0\.10\.25: too many/.test(l)).length, 1);
    // Another address is not affected.
    const other = await RawPeer.connect(A, 5701, '127.0.10.26');
    other.socket.write(rawFrame({ t: 'hello', cluster: CLUSTER, nonce: randomBytes(16) }));
    const challenge = await other.frameOrClose(1);
    assert.equal((challenge?.body as { t?: string } | undefined)?.t, 'challenge');
    other.socket.destroy();
    for (const h of holders) h.socket.destroy();
    await Promise.all(holders.map((h) => h.closedAt));
  });
});
