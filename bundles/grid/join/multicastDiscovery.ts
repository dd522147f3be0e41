import dgram from 'node:dgram';
import { Packr, Unpackr } from 'msgpackr';
import type { Logger } from 'winston';
import type { Discovery } from './discovery.js';

export interface MulticastOptions {
  group: string;
  port: number;
  /** The grid's bound address: the multicast interface, so packets do not leave by the default route. */
  interfaceAddress: string;
  clusterName: string;
  /** This member's `host:port` and id, announced to the others. */
  address: () => string;
  id: string;
  /** How often the master announces itself. */
  announceIntervalMs: number;
  isMaster: () => boolean;
}

interface Beacon {
  p: 'oxk-grid';
  c: string;
  a: string;
  i: string;
  /** A query: every member that hears it answers with its own beacon. */
  q?: boolean;
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });
const SETTLE_MS = 1500;

/**
 * `multicast`: members send small beacons (cluster name, address, id; never the password) to the
 * group; whoever is heard becomes a candidate to probe over TCP, where the handshake authenticates.
 */
export class MulticastDiscovery implements Discovery {
  readonly settleMs = SETTLE_MS;
  private socket: dgram.Socket | undefined;
  private readonly heard = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MulticastOptions, private readonly logger: Logger) {}

  async start(): Promise<void> {
    const o = this.options;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: o.port, exclusive: false }, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new Error(`grid multicast discovery cannot bind port ${o.port}: ${err.message}`);
    });
    try {
      socket.addMembership(o.group, o.interfaceAddress);
      socket.setMulticastInterface(o.interfaceAddress);
      socket.setMulticastLoopback(true);
      socket.setMulticastTTL(32);
    } catch (err) {
      socket.close();
      throw new Error(`grid multicast discovery cannot join group ${o.group} on interface ${o.interfaceAddress}: ${(err as Error).message}`);
    }
    socket.on('error', (err) => this.logger.warn(`grid multicast discovery: ${err.message}`));
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo.address));
    this.socket = socket;
    this.timer = setInterval(() => {
      if (o.isMaster()) this.beacon(false);
    }, o.announceIntervalMs);
    this.timer.unref();
  }

  query(): void {
    this.beacon(true);
  }

  candidates(): string[] {
    const recent = Date.now() - 3 * this.options.announceIntervalMs - 5000;
    for (const [a, at] of this.heard) if (at < recent) this.heard.delete(a);
    return [...this.heard.keys()];
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket?.close();
    this.socket = undefined;
  }

  private beacon(query: boolean): void {
    const b: Beacon = { p: 'oxk-grid', c: this.options.clusterName, a: this.options.address(), i: this.options.id, ...(query ? { q: true } : {}) };
    this.socket?.send(packr.pack(b), this.options.port, this.options.group, (err) => {
      if (err) this.logger.warn(`grid multicast beacon to ${this.options.group}:${this.options.port} failed: ${err.message}`);
    });
  }

  private receive(msg: Buffer, from: string): void {
    let b: Beacon;
    try {
      b = unpackr.unpack(msg) as Beacon;
    } catch {
      this.logger.debug(`grid multicast: ignored an undecodable datagram from ${from}`);
      return;
    }
    if (b?.p !== 'oxk-grid' || b.c !== this.options.clusterName || b.i === this.options.id || typeof b.a !== 'string') return;
    this.heard.set(b.a, Date.now());
    if (b.q) this.beacon(false);
  }
}
