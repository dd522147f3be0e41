/** Where the join mechanism says other members may be: addresses to probe with a handshake. */
export interface Discovery {
  start(): Promise<void>;
  /** Asks the network who is there (multicast); a no-op for the other kinds. */
  query(): void;
  /** Time to wait after `query` for answers before deciding to form a cluster alone. */
  readonly settleMs: number;
  /** `host:port` addresses worth probing now (may include this member's own). */
  candidates(): string[];
  stop(): void;
}

/** `empty`: no discovery; others may still find this member through their own static list. */
export class EmptyDiscovery implements Discovery {
  readonly settleMs = 0;
  async start(): Promise<void> {}
  query(): void {}
  candidates(): string[] {
    return [];
  }
  stop(): void {}
}
