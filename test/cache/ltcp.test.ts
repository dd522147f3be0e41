import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import type { RegionSettings } from '../../bundles/cache-jcs/api.js';
import { JCS_LATERAL_DEFAULTS, type LateralSettings } from '../../bundles/cache-jcs/ccf/attributes.js';
import { emptyCcfModel } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { encodeFrame, FrameDecoder, FrameType } from '../../bundles/cache-jcs/invalidation/ltcp/frame.js';
import { startLtcp } from '../../bundles/cache-jcs/invalidation/ltcp/ltcpTransport.js';
import { JcsCacheService } from '../../bundles/cache-jcs/region/cacheService.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// Addresses 127.0.7.51-.55 (cache block, this file's sub-range).
const PORT = 57462;
const open: { close(): Promise<void> }[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(open.splice(0).map((n) => n.close()));
});

async function node(host: string, lateral: Partial<LateralSettings>) {
  const model = emptyCcfModel();
  const region: RegionSettings = { ...model.defaults, name: 'User', auxiliaries: ['LTCP'], distributed: true, maxObjects: 1000 };
  model.regions.set('User', region);
  const { logger, lines } = captureLogger();
  const service = new JcsCacheService({ model, logger });
  const settings: LateralSettings = { ...JCS_LATERAL_DEFAULTS, name: 'LTCP', udpDiscoveryEnabled: false, tcpListenerPort: PORT, ...lateral };
  service.attach(await startLtcp({
    settings, listenerHost: host, route: host, sink: service, logger,
    reconnectMinMs: 20, reconnectMaxMs: 200, discoveryIntervalMs: 100,
  }));
  open.push(service);
  return { service, user: service.region<string>('User'), lines, logged: (re: RegExp) => lines.some((l) => re.test(l)) };
}

function raw(host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: PORT }, () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

/** Puts `key` on `at` and waits until a remove on `from` has dropped it there. */
async function propagates(from: { user: { remove(k: string): void } }, at: { user: { put(k: string, v: string): void; get(k: string): unknown } }, key: string) {
  at.user.put(key, 'v');
  from.user.remove(key);
  await waitFor(`${key} removed by invalidation`, () => at.user.get(key) === undefined, 10_000);
}

describe('LTCP frames', () => {
  it('reassembles frames split anywhere and reports what is broken', () => {
    const a = encodeFrame(FrameType.INVALIDATE, { region: 'R', op: 'clear', origin: 'n' });
    const b = encodeFrame(FrameType.HELLO, { node: 'n' });
    const stream = Buffer.concat([a, b]);
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new FrameDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      assert.deepEqual(got.map((r) => r.kind === 'frame' ? r.type : r.kind), [FrameType.INVALIDATE, FrameType.HELLO], `cut at ${cut}`);
      assert.equal(d.pending, 0);
    }
    const unknownType = Buffer.from(a);
    unknownType[3] = 99;
    assert.deepEqual(new FrameDecoder().push(unknownType).map((r) => r.kind), ['bad-frame']);
    const newer = Buffer.from(a);
    newer[2] = 2;
    assert.match(JSON.stringify(new FrameDecoder().push(newer)), /protocol version 2, this node speaks 1/);
    assert.match(JSON.stringify(new FrameDecoder().push(Buffer.from('GET / HTTP/1.1\r\n'))), /not an LTCP frame/);
    const huge = Buffer.from(a);
    huge.writeUInt32BE(0x7fffffff, 4);
    assert.equal(new FrameDecoder().push(huge)[0]?.kind, 'fatal');
  });
});

describe('LTCP auxiliary', () => {
  after(async () => {
    for (const s of sockets.splice(0)) s.destroy();
  });

  it('sends removes to TcpServers and keeps serving through garbage, bad frames and a peer vanishing mid-message', async () => {
    const b = await node('127.0.7.52', {});
    const a = await node('127.0.7.51', { tcpServers: [{ host: '127.0.7.52', port: PORT }] });
    await waitFor('B sees A', () => b.logged(/LTCP peer 127\.0\.7\.51 .* connected/));
    await propagates(a, b, 'k1');

    const garbage = await raw('127.0.7.52');
    garbage.write(Buffer.from('this is not a frame at all'));
    await waitFor('garbage logged', () => b.logged(/not an LTCP frame .* connection dropped/));

    const badBody = await raw('127.0.7.52');
    const frame = encodeFrame(FrameType.INVALIDATE, { region: 'User', op: 'remove', keys: ['k2'], origin: 'raw' });
    const broken = Buffer.concat([frame.subarray(0, 8), Buffer.alloc(frame.length - 8, 0xc1)]);
    b.user.put('k2', 'v');
    badBody.write(Buffer.concat([broken, frame]));
    await waitFor('bad body logged', () => b.logged(/undecodable LTCP frame body .* frame dropped/));
    await waitFor('the next frame on the same connection applied', () => b.user.get('k2') === undefined);

    const odd = await raw('127.0.7.52');
    odd.write(Buffer.concat([
      encodeFrame(FrameType.HELLO, null),
      encodeFrame(FrameType.INVALIDATE, { region: 'User', op: 'remove', keys: ['\0sneaky'], origin: 'raw' }),
      encodeFrame(FrameType.INVALIDATE, { region: 'User', op: 'remove', keys: 'not-a-list', origin: 'raw' }),
    ]));
    await waitFor('odd events logged', () => b.logged(/for region User dropped: cache region User: a key must be a string/) && b.logged(/dropped: malformed event/));

    const vanishing = await raw('127.0.7.52');
    vanishing.write(frame.subarray(0, 12), () => vanishing.destroy());
    await waitFor('vanish logged', () => b.logged(new RegExp(`vanished mid-message \\(12 of ${frame.length} bytes\\)`)));

    await propagates(a, b, 'k3');
    assert.ok(b.user.stats().invalidationsReceived >= 3);
  });

  it('reconnects to a peer that was down, clears what it missed, and delivers again', async () => {
    let c = await node('127.0.7.54', {});
    const a = await node('127.0.7.53', { tcpServers: [{ host: '127.0.7.54', port: PORT }] });
    await propagates(a, c, 'before');
    await c.service.close();
    open.splice(open.indexOf(c.service), 1);
    await waitFor('A notices the loss', () => a.logged(/LTCP connection to 127\.0\.7\.54:57462 lost/));
    a.user.remove('while-down');

    c = await node('127.0.7.54', {});
    await waitFor('A reconnected', () => c.logged(/LTCP peer 127\.0\.7\.53 .* connected/), 10_000);
    await waitFor('missed region cleared', () => c.user.stats().invalidationsReceived >= 1);
    assert.ok(a.logged(/sent clear to 127\.0\.7\.54:57462 for regions with undelivered invalidations: User/));
    await propagates(a, c, 'after');
    c.user.put('untouched', 'v');
    a.user.remove('other');
    await waitFor('the remove of another key arrived', () => c.user.stats().invalidationsReceived >= 3);
    assert.equal(c.user.get('untouched'), 'v');
  });

  it('finds peers by UDP discovery', async () => {
    const udp = { udpDiscoveryEnabled: true, udpDiscoveryAddr: '239.255.7.55', udpDiscoveryPort: 46755 };
    const a = await node('127.0.7.55', udp);
    const b = await node('127.0.7.51', udp);
    await waitFor('A discovered B', () => a.logged(/LTCP peer 127\.0\.7\.51:57462 added \(UDP discovery\)/));
    await waitFor('B discovered A', () => b.logged(/LTCP peer 127\.0\.7\.55:57462 added \(UDP discovery\)/));
    await propagates(a, b, 'x');
    await propagates(b, a, 'y');
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    sender.setMulticastInterface('127.0.0.1');
    const bad = JSON.stringify({ oxk: 'ltcp-discovery', v: 1, node: 'intruder', host: '127.0.7.54', port: 70000 });
    await new Promise<void>((resolve, reject) => sender.send(bad, 46755, '239.255.7.55', (err) => (err ? reject(err) : resolve())));
    sender.close();
    await waitFor('bad announcement logged', () => a.logged(/ignored an announcement from .* with a bad listener address/));
    await propagates(a, b, 'z');
  });
});
