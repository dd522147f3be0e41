import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { gridAddress, gridNode, waitForMembers } from '../support/gridNodes.js';
import { killAll } from '../support/nodeProcess.js';
import { tempConfig } from '../support/tempConfig.js';

// Addresses 127.0.2.41-.43 (this file only); garbage comes from 127.0.2.43.
const config = tempConfig();
after(() => config.remove());
afterEach(() => killAll());

/** Sends `bytes` to the grid port from 127.0.2.43, then half-closes (or not) and waits until the node hangs up. */
function sendGarbage(port: number, bytes: Buffer, end: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.2.41', port, localAddress: '127.0.2.43' }, () => {
      s.write(bytes);
      if (end) s.end();
    });
    s.on('data', () => undefined);
    s.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? reject(err) : resolve()));
    s.on('close', () => resolve());
    s.setTimeout(20_000, () => reject(new Error('the node did not drop the connection')));
  });
}

/** A frame header: magic, protocol 2.0, kind, reserved, body length. */
function header(length: number): Buffer {
  const h = Buffer.from([0x4f, 0x58, 2, 0, 1, 0, 0, 0, 0, 0]);
  h.writeUInt32BE(length, 6);
  return h;
}

describe('garbage on the grid port', () => {
  it('drops HTTP requests, random bytes, oversized and truncated frames and silent peers, logs each once; the node is unaffected', async () => {
    const node = gridNode({ configDir: config.dir, address: '127.0.2.41', route: 'OXG', staticNodes: ['127.0.2.41', '127.0.2.42'] });
    await node.ready();
    const { port } = await gridAddress(node);

    const http = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.2.41\r\n\r\n');
    await sendGarbage(port, http, false);
    await sendGarbage(port, http, false);
    await sendGarbage(port, Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), false);
    await sendGarbage(port, header(0xffffffff), false);
    await sendGarbage(port, Buffer.concat([header(100), Buffer.alloc(10, 7)]), true);
    await sendGarbage(port, Buffer.alloc(0), false);

    const dropped = (why: string) => node.waitForLine(new RegExp(`grid dropped a connection from 127\\.0\\.2\\.43: ${why}`), 20_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}; node output:\n${node.output().slice(-4000)}`);
      });
    await dropped('no handshake within 5000 ms');
    await dropped('an HTTP request \\("GET"\\)');
    await dropped('bad magic bytes');
    await dropped('frame of 4294967295 bytes exceeds the maximum');
    await dropped('closed by peer \\(truncated frame');
    assert.equal(node.lines.filter((l) => /an HTTP request/.test(l)).length, 1, 'the same garbage from the same host is logged once');

    // Unaffected: still serving, and a real member still joins.
    const second = gridNode({ configDir: config.dir, address: '127.0.2.42', route: 'OXH', staticNodes: ['127.0.2.41'] });
    await second.ready();
    await waitForMembers(['127.0.2.41', '127.0.2.42'], 2);
    assert.ok(node.running);
  });
});
