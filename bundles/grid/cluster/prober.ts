import type { Logger } from 'winston';
import type { GridMember } from '../api.js';
import type { Connection } from '../transport/connection.js';
import type { ClusterStatus, HandshakeResult } from '../transport/handshake.js';
import { parseAddress } from '../transport/addresses.js';
import type { Transport } from '../transport/transport.js';

export interface ProbeResult {
  address: string;
  peer: GridMember;
  status: ClusterStatus;
  conn: Connection;
}

/** The cluster a member is in, as seen from a probe: compared to pick which cluster to join. */
export interface ClusterSighting {
  masterId: string;
  masterAddress: string;
  size: number;
}

/** True when cluster `a` wins against `b`: the larger one; on a tie, the one whose master address sorts first. */
export function wins(a: ClusterSighting, b: ClusterSighting): boolean {
  if (a.size !== b.size) return a.size > b.size;
  if (a.masterAddress !== b.masterAddress) return a.masterAddress < b.masterAddress;
  return a.masterId < b.masterId;
}

export function sighting(status: ClusterStatus): ClusterSighting {
  return { masterId: status.masterId, masterAddress: status.masterAddress, size: status.memberIds.length };
}

/** Opens authenticated connections to candidate addresses and reads their cluster status. */
export class Prober {
  private readonly unresolvable = new Set<string>();

  constructor(
    private readonly transport: Transport,
    private readonly localId: string,
    private readonly logger: Logger,
    private readonly adopt: (conn: Connection, result: HandshakeResult) => void,
  ) {}

  /** Probes every address at once; unreachable ones are skipped (an unresolvable name is warned about once). */
  async probeAll(addresses: Iterable<string>): Promise<ProbeResult[]> {
    const unique = [...new Set(addresses)];
    const results = await Promise.all(unique.map((a) => this.probe(a)));
    const byPeer = new Map<string, ProbeResult>();
    for (const r of results) if (r && !byPeer.has(r.peer.id)) byPeer.set(r.peer.id, r);
    return [...byPeer.values()];
  }

  async probe(address: string): Promise<ProbeResult | undefined> {
    try {
      const { conn, result } = await this.transport.connect(address);
      if (result.peer.id === this.localId) {
        conn.close('probed itself');
        return undefined;
      }
      this.adopt(conn, result);
      return { address, peer: result.peer, status: result.status, conn };
    } catch (err) {
      this.logger.debug(`grid probe of ${address} failed: ${(err as Error).message}`);
      const host = parseAddress(address).host;
      if (/ENOTFOUND|EAI_AGAIN/.test((err as Error).message) && !this.unresolvable.has(host)) {
        this.unresolvable.add(host);
        this.logger.warn(`grid join: cannot resolve "${host}" from the member list; the other addresses are still probed`);
      }
      return undefined;
    }
  }
}
