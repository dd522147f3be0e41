import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { Packr } from 'msgpackr';
import { chooseBindAddress, interfaceMatcher, parsePortDefinitions, parseStaticNodes } from '../../bundles/grid/transport/addresses.js';
import { encodeFrame, type Frame, FrameDecoder, FrameError, FrameKind, PROTOCOL_MAJOR, PROTOCOL_MINOR, PROTOCOL_VERSION } from '../../bundles/grid/transport/frame.js';
import { Connection } from '../../bundles/grid/transport/connection.js';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// In-process members on 127.0.2.81-.87 (this file only).

describe('grid frames', () => {
  const decode = (chunks: Buffer[], max = 1024): Frame[] => {
    const d = new FrameDecoder(max);
    const out: Frame[] = [];
    for (const c of chunks) d.push(c, (f) => out.push(f));
    return out;
  };

  it('decodes frames split across chunks and several frames in one chunk', () => {
    const a = Buffer.concat(encodeFrame(FrameKind.MESSAGE, ['svc', { n: 1 }]));
    const b = Buffer.concat(encodeFrame(FrameKind.REQUEST, [7, 'svc', 'x'.repeat(300)]));
    const all = Buffer.concat([a, b]);
    const bytewise = [...all].map((x) => Buffer.from([x]));
    for (const chunks of [[all], bytewise, [all.subarray(0, 5), all.subarray(5, a.length + 3), all.subarray(a.length + 3)]]) {
      const frames = decode(chunks);
      assert.deepEqual(frames.map((f) => [f.kind, f.body]), [[FrameKind.MESSAGE, ['svc', { n: 1 }]], [FrameKind.REQUEST, [7, 'svc', 'x'.repeat(300)]]]);
      assert.deepEqual([frames[0]!.major, frames[0]!.minor], [PROTOCOL_MAJOR, PROTOCOL_MINOR]);
    }
  });

  it('rejects oversized frames, bad magic, HTTP requests and undecodable bodies with a reason', () => {
    const big = Buffer.concat(encodeFrame(FrameKind.MESSAGE, 'y'.repeat(2000)));
    assert.throws(() => decode([big]), (e: unknown) => e instanceof FrameError && /exceeds the maximum of 1024/.test(e.reason));
    assert.throws(() => decode([Buffer.from('POST /ajax HTTP/1.1\r\n')]), /an HTTP request \("POST"\)/);
    assert.throws(() => decode([Buffer.alloc(12, 0xff)]), /bad magic bytes/);
    const header = encodeFrame(FrameKind.MESSAGE, 1)[0];
    header.writeUInt32BE(3, 6);
    assert.throws(() => decode([header, Buffer.from([0xd9, 0x05, 0x41])]), /undecodable frame body/);
  });
});

describe('grid backpressure', () => {
  it('drops a connection whose peer stops reading instead of buffering without bound', async () => {
    const server = net.createServer((s) => s.pause());
    await new Promise<void>((resolve) => server.listen(0, '127.0.2.87', resolve));
    const socket = net.connect({ host: '127.0.2.87', port: (server.address() as net.AddressInfo).port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const conn = new Connection(socket, true, { maxFrameSize: 1 << 20, maxBufferedBytes: 1 << 20 });
    const closed = new Promise<string>((resolve) => conn.onClose((reason) => resolve(reason)));
    const chunk = 'z'.repeat(64 * 1024);
    try {
      await waitFor('the connection to be dropped', async () => {
        for (let i = 0; i < 16 && !conn.closed; i++) conn.send(FrameKind.MESSAGE, ['bulk', chunk]);
        await new Promise((r) => setImmediate(r));
        return conn.closed;
      }, 20_000, 1);
      assert.match(await closed, /peer is not reading: more than 1048576 bytes queued/);
    } finally {
      socket.destroy();
      server.close();
    }
  });
});

describe('grid duplicate connections', () => {
  it('a connection dropped as a duplicate still delivers what the peer sent before it saw the close', async () => {
    const accepted = new Promise<net.Socket>((resolve) => {
      const server = net.createServer((s) => {
        server.close();
        resolve(s);
      });
      server.listen(0, '127.0.2.88', () => {
        net.connect({ host: '127.0.2.88', port: (server.address() as net.AddressInfo).port }).on('connect', function (this: net.Socket) {
          peerSocket = this;
        });
      });
    });
    let peerSocket: net.Socket | undefined;
    const socket = await accepted;
    const options = { maxFrameSize: 1 << 20, maxBufferedBytes: 1 << 20 };
    const dropped = new Connection(socket, false, options);
    dropped.authenticated();
    const got: unknown[] = [];
    dropped.onFrame((f) => got.push(f.body));
    try {
      await waitFor('the peer socket', () => peerSocket !== undefined, 5000, 5);
      const peer = new Connection(peerSocket!, true, options);
      peer.authenticated();
      // The peer sends a request; this end drops the connection before reading it.
      peer.send(FrameKind.REQUEST, [7, 'grid.ops', ['item']]);
      await new Promise((resolve) => setImmediate(resolve));
      dropped.end('duplicate connection', true);
      await waitFor('the request to be delivered', () => got.length === 1, 5000, 5);
      assert.deepEqual(got, [[7, 'grid.ops', ['item']]]);
      assert.equal(dropped.send(FrameKind.MESSAGE, ['x', 1]), false, 'nothing more is sent on it');
    } finally {
      socket.destroy();
      peerSocket?.destroy();
    }
  });
});

describe('grid addresses', () => {
  it('matches interface patterns with * and ranges', () => {
    assert.ok(interfaceMatcher('127.0.0.*')('127.0.0.1'));
    assert.ok(interfaceMatcher('10.0.0.10-20')('10.0.0.15'));
    assert.ok(!interfaceMatcher('10.0.0.10-20')('10.0.0.21'));
    assert.ok(!interfaceMatcher('10.0.*.1')('10.0.0.2'));
    assert.throws(() => interfaceMatcher('10.0.0'), /expected four octets/);
    assert.throws(() => interfaceMatcher('10.0.0.20-10'), /bad range "20-10"/);
  });

  it('binds the first local address that matches, a plain address as is, all interfaces when empty', () => {
    const local = ['127.0.0.1', '192.168.5.7', '10.1.2.3'];
    assert.deepEqual(chooseBindAddress('172.16.*.*, 10.1.2.1-9', local), { bind: '10.1.2.3', advertise: '10.1.2.3' });
    assert.deepEqual(chooseBindAddress('127.0.2.5', local), { bind: '127.0.2.5', advertise: '127.0.2.5' });
    assert.deepEqual(chooseBindAddress('', local), { bind: '0.0.0.0', advertise: '192.168.5.7' });
    assert.throws(() => chooseBindAddress('172.16.*.*', local), /no local address matches network.interfaces "172.16.\*.\*"/);
  });

  it('parses outbound port definitions and the static member list', () => {
    assert.deepEqual(parsePortDefinitions('35000-35002, 36001'), [35000, 35001, 35002, 36001]);
    assert.deepEqual(parsePortDefinitions(''), []);
    assert.throws(() => parsePortDefinitions('9-1'), /bad outboundPortDefinitions entry "9-1"/);
    assert.deepEqual(parseStaticNodes('10.0.0.1:5800, host', 5701), [
      { host: '10.0.0.1', port: 5800 }, { host: 'host', port: 5701 }, { host: 'host', port: 5702 }, { host: 'host', port: 5703 },
    ]);
  });
});

describe('grid protocol versions and outbound ports', () => {
  it('refuses a peer speaking another protocol version, telling it why, and uses the outbound ports', async () => {
    const { logger, lines } = captureLogger();
    const options = { groupName: 'proto', password: 'pw', probeIntervalMs: 500, outboundPorts: '35100-35110' };
    const node = await createClusterNode({ ...options, interfaces: '127.0.2.81' }, logger);
    const other = await createClusterNode({ ...options, interfaces: '127.0.2.82', join: 'static', staticNodes: '127.0.2.81' }, captureLogger().logger);
    try {
      await waitFor('two members', () => node.view().members.length === 2 && other.view().members.length === 2, 10_000);
      const { conn } = await other.transport.connect(node.local.address);
      assert.ok(conn.socket.localPort! >= 35100 && conn.socket.localPort! <= 35110, `outbound port ${conn.socket.localPort}`);
      conn.close('test done');

      const reply = await new Promise<Buffer>((resolve, reject) => {
        const s = net.connect({ host: '127.0.2.81', port: 5701, localAddress: '127.0.2.83' }, () => {
          const body = new Packr({ useRecords: false }).pack({ t: 'hello', cluster: 'proto-1.9', nonce: Buffer.alloc(16) });
          const header = Buffer.from([0x4f, 0x58, 1, 9, FrameKind.HANDSHAKE, 0, 0, 0, 0, 0]);
          header.writeUInt32BE(body.length, 6);
          s.write(Buffer.concat([header, body]));
        });
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('close', () => resolve(Buffer.concat(chunks)));
        s.on('error', reject);
      });
      const frames: Frame[] = [];
      new FrameDecoder(1 << 20).push(reply, (f) => frames.push(f));
      assert.deepEqual(frames[0]?.body, { t: 'refuse', reason: `incompatible protocol version 1.9 (this member speaks ${PROTOCOL_VERSION})` });
      assert.ok(lines.some((l) => /handshake from 127\.0\.2\.83:\d+ failed: refused 127\.0\.2\.83:\d+: incompatible protocol version 1\.9/.test(l)));
    } finally {
      await other.stop();
      await node.stop();
    }
  });
});

describe('grid handshake on the wire', () => {
  it('proves the password without sending it', async () => {
    const password = 'the-group-secret-42';
    const wire: Buffer[] = [];
    // A relay in front of the first member records both directions of every connection through it.
    const relay = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.2.84', port: 5701 });
      client.on('data', (c: Buffer) => { wire.push(c); upstream.write(c); });
      upstream.on('data', (c: Buffer) => { wire.push(c); client.write(c); });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(5701, '127.0.2.85', resolve));
    const options = { groupName: 'wire', password, probeIntervalMs: 300 };
    const a = await createClusterNode({ ...options, interfaces: '127.0.2.84' }, captureLogger().logger);
    const b = await createClusterNode({ ...options, interfaces: '127.0.2.86', join: 'static', staticNodes: '127.0.2.85:5701' }, captureLogger().logger);
    try {
      await waitFor('two members', () => a.view().members.length === 2 && b.view().members.length === 2, 10_000);
      const bytes = Buffer.concat(wire);
      assert.ok(bytes.includes('challenge') && bytes.includes('welcome'), 'a whole handshake went through the relay');
      assert.ok(!bytes.includes(password), 'the password is not on the wire');
    } finally {
      await b.stop();
      await a.stop();
      relay.close();
    }
  });
});
