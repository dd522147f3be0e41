import type { Logger } from 'winston';
import type { LateralSettings } from '../../ccf/attributes.js';
import type { InvalidationSink, InvalidationTransport } from '../transport.js';
import { UdpDiscovery } from './discovery.js';
import { encodeFrame, FrameType } from './frame.js';
import { LtcpListener } from './listener.js';
import { LtcpPeer } from './peer.js';

export interface LtcpOptions {
  settings: LateralSettings;
  /** Address the listener binds (`com.openexchange.caching.jcs.ltcp.listenerHost`). */
  listenerHost: string;
  route: string;
  sink: InvalidationSink;
  logger: Logger;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  discoveryIntervalMs: number;
}

/** The legacy lateral TCP auxiliary (`eventInvalidation=false`): a listener plus one sender per peer. */
export async function startLtcp(options: LtcpOptions): Promise<InvalidationTransport> {
  const { settings, logger, sink } = options;
  const listener = settings.receive
    ? await LtcpListener.start({ host: options.listenerHost, port: settings.tcpListenerPort, logger, onEvent: (body, from) => sink.receive(body, from) })
    : undefined;
  const self = listener?.address;
  const peers = new Map<string, LtcpPeer>();
  // On loopback, connect from the listener's own address so peers can tell the nodes apart;
  // elsewhere let the OS pick the route's source (a 127.0.0.1 listener must not stop sending to others).
  const loopback = (h: string) => h.startsWith('127.');
  const sourceFor = (host: string) => (loopback(host) && loopback(options.listenerHost) ? options.listenerHost : undefined);
  const hello = { node: sink.nodeId, route: options.route, listener: self ? `${self.host}:${self.port}` : 'none' };

  const addPeer = (host: string, port: number, how: string) => {
    const address = `${host}:${port}`;
    if (peers.has(address) || (self && self.port === port && (self.host === host || host === options.listenerHost))) return;
    logger.info(`LTCP peer ${address} added (${how})`);
    peers.set(address, new LtcpPeer({
      host, port, logger, hello, localAddress: sourceFor(host),
      connectTimeoutMs: settings.openTimeoutMs,
      reconnectMinMs: options.reconnectMinMs,
      reconnectMaxMs: options.reconnectMaxMs,
    }));
  };

  for (const server of settings.tcpServers) addPeer(server.host, server.port, 'TcpServers');
  let discovery: UdpDiscovery | undefined;
  try {
    discovery = settings.udpDiscoveryEnabled
      ? await UdpDiscovery.start({
        addr: settings.udpDiscoveryAddr, port: settings.udpDiscoveryPort, node: sink.nodeId, listener: self,
        intervalMs: options.discoveryIntervalMs, logger, onPeer: (host, port) => addPeer(host, port, 'UDP discovery'),
      })
      : undefined;
  } catch (err) {
    await listener?.close();
    for (const peer of peers.values()) peer.close();
    throw err;
  }
  logger.info(`cache invalidation over LTCP (auxiliary ${settings.name}): listening on ${hello.listener}, ${peers.size} static peers${discovery ? ', UDP discovery on' : ''}`);

  return {
    mode: 'ltcp',
    send(event) {
      if (peers.size === 0) return false;
      const frame = encodeFrame(FrameType.INVALIDATE, event);
      for (const peer of peers.values()) peer.send(event, frame);
      return true;
    },
    async close() {
      discovery?.close();
      for (const peer of peers.values()) peer.close();
      await listener?.close();
    },
  };
}
