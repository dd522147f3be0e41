/**
 * A rogue grid peer, run as its own process (`node dist/test/support/gridPeer.js '<json>'`): it knows
 * the password and speaks the grid's own transport and handshake (imported from the build), claims
 * whatever member identity and cluster status it is given, sends the given frames right after the
 * handshake and reports on stdout, one JSON object a line: `{"event":"connected"}`, then
 * `{"event":"closed","reason":...}` when the node drops it or `{"event":"open"}` after `holdMs`.
 * Buffers are written as `{"$bytes":"<hex>"}` in the frames.
 */
import winston from 'winston';
import type { GridMember } from '../../bundles/grid/api.js';
import type { ClusterStatus } from '../../bundles/grid/transport/handshake.js';
import type { FrameKind } from '../../bundles/grid/transport/frame.js';
import { effectiveClusterName, PROTOCOL_VERSION } from '../../bundles/grid/transport/protocolVersion.js';
import { Transport } from '../../bundles/grid/transport/transport.js';

export interface GridPeerPlan {
  /** `host:port` of the node to connect to. */
  target: string;
  /** Loopback address the connection comes from. */
  bind: string;
  group: string;
  password: string;
  claim: GridMember;
  status: ClusterStatus;
  frames: [kind: FrameKind, body: unknown][];
  holdMs: number;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const hex = (value as { $bytes?: unknown }).$bytes;
    if (typeof hex === 'string') return Buffer.from(hex, 'hex');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

function report(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(plan: GridPeerPlan): Promise<void> {
  const logger = winston.createLogger({ level: 'warn', transports: [new winston.transports.Stream({ stream: process.stderr })] });
  const transport = new Transport({
    bindHost: plan.bind, advertiseHost: plan.bind, port: 0, portAutoIncrement: false, outboundPorts: [],
    maxFrameSize: 64 * 1024 * 1024, maxBufferedBytes: 128 * 1024 * 1024, handshakeTimeoutMs: 5000, connectTimeoutMs: 2000, maxPendingHandshakes: 64, maxPendingHandshakesPerAddress: 16,
  }, {
    clusterName: effectiveClusterName(plan.group),
    password: plan.password,
    member: () => plan.claim,
    status: () => plan.status,
  }, logger);
  const { conn } = await transport.connect(plan.target);
  const closed = new Promise<string>((resolve) => conn.onClose((reason) => resolve(reason)));
  report({ event: 'connected' });
  for (const [kind, body] of plan.frames) conn.send(kind, revive(body));
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), plan.holdMs)));
  const reason = await Promise.race([closed, held]);
  clearTimeout(timer);
  report(reason === undefined ? { event: 'open' } : { event: 'closed', reason });
  transport.close();
}

main(JSON.parse(process.argv[2] ?? '{}') as GridPeerPlan).then(
  () => process.exit(0),
  (err: Error) => {
    report({ event: 'failed', error: err.message });
    process.exit(1);
  },
);
