import { formatAddress, parseStaticNodes } from '../transport/addresses.js';
import type { Discovery } from './discovery.js';

/** `static`: the configured `host[:port]` list, probed at start and periodically. */
export class StaticDiscovery implements Discovery {
  readonly settleMs = 0;
  private readonly addresses: string[];

  constructor(nodes: string, defaultPort: number) {
    this.addresses = parseStaticNodes(nodes, defaultPort).map((n) => formatAddress(n.host, n.port));
  }

  async start(): Promise<void> {}
  query(): void {}

  candidates(): string[] {
    return this.addresses;
  }

  stop(): void {}
}
