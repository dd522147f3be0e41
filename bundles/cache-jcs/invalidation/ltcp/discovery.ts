import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import type { Logger } from 'winston';

export interface DiscoveryOptions {
  /** UdpDiscoveryAddr: a multicast group (or a broadcast/unicast address). */
  addr: string;
  port: number;
  node: string;
  /** This node's LTCP listener, announced to others; absent when it does not receive (Receive=false). */
  listener?: { host: string; port: number };
  intervalMs: number;
  logger: Logger;
  onPeer(host: string, port: number): void;
}

interface Announcement {
  oxk: 'ltcp-discovery';
  v: 1;
  node: string;
  host: string;
  port: number;
}

function isMulticast(addr: string): boolean {
  const first = Number(addr.split('.')[0]);
  return isIPv4(addr) && first >= 224 && first <= 239;
}

/** The interface to send multicast on: loopback addresses all live on 127.0.0.1's interface. */
function multicastInterface(host: string | undefined): string | undefined {
  if (!host || !isIPv4(host) || host === '0.0.0.0') return undefined;
  return host.startsWith('127.') ? '127.0.0.1' : host;
}

/** LTCP's UDP discovery: announces this node's listener periodically and reports the listeners of others. */
export class UdpDiscovery {
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: Socket, private readonly options: DiscoveryOptions) {}

  static async start(options: DiscoveryOptions): Promise<UdpDiscovery> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    const discovery = new UdpDiscovery(socket, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => reject(new Error(`LTCP UDP discovery cannot bind port ${options.port}: ${err.message}`)));
      socket.bind(options.port, () => resolve());
    });
    socket.on('error', (err) => options.logger.warn(`LTCP UDP discovery ${options.addr}:${options.port}: ${err.message}`));
    const iface = multicastInterface(options.listener?.host);
    if (isMulticast(options.addr)) {
      socket.addMembership(options.addr, iface);
      if (iface) socket.setMulticastInterface(iface);
      socket.setMulticastLoopback(true);
    } else {
      socket.setBroadcast(true);
    }
    socket.on('message', (msg, rinfo) => discovery.receive(msg, rinfo.address));
    if (options.listener) {
      discovery.announce();
      discovery.timer = setInterval(() => discovery.announce(), options.intervalMs);
      discovery.timer.unref();
    }
    options.logger.info(`LTCP UDP discovery on ${options.addr}:${options.port}${options.listener ? '' : ' (listening only: Receive=false)'}`);
    return discovery;
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }

  private announce(): void {
    const { listener, node, addr, port } = this.options;
    if (!listener) return;
    const message: Announcement = { oxk: 'ltcp-discovery', v: 1, node, host: listener.host, port: listener.port };
    this.socket.send(JSON.stringify(message), port, addr, (err) => {
      if (err) this.options.logger.debug(`LTCP UDP announcement to ${addr}:${port} failed: ${err.message}`);
    });
  }

  private receive(msg: Buffer, sender: string): void {
    let a: Partial<Announcement>;
    try {
      a = JSON.parse(msg.toString('utf8')) as Partial<Announcement>;
    } catch {
      this.options.logger.debug(`LTCP UDP discovery: ignored a datagram from ${sender} that is not an announcement`);
      return;
    }
    if (a.oxk !== 'ltcp-discovery' || a.v !== 1 || a.node === this.options.node) return;
    if (typeof a.host !== 'string' || !/^[\w.:-]{1,255}$/.test(a.host) || !Number.isInteger(a.port) || a.port! < 1 || a.port! > 65535) {
      this.options.logger.warn(`LTCP UDP discovery: ignored an announcement from ${sender} with a bad listener address`);
      return;
    }
    this.options.onPeer(a.host === '0.0.0.0' || a.host === '::' ? sender : a.host, a.port!);
  }
}
