import type { Logger } from 'winston';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf, sleep } from './participants.js';
import { isDrainAnswer } from './partitionSchemas.js';
import { PARTITION_SERVICE, type PartitionMessage } from './partitionSchemas.js';
import type { PartitionService } from './partitionService.js';

/**
 * Graceful leave: before the leave is announced, ask the master to move every replica off this
 * member and wait for it, at most `timeoutMs`; then leave anyway with a warning.
 */
export function installHandoff(spi: ClusterSpi, partitions: PartitionService, timeoutMs: number, logger: Logger): void {
  spi.onBeforeLeave(async () => {
    const me = spi.local.id;
    const held = () => partitions.current().replicas.filter((r) => r.includes(me)).length;
    if (held() === 0) return;
    const others = spi.view().members.filter((m) => m.id !== me && partitions.groupOf(m) !== undefined);
    if (others.length === 0) {
      logger.warn(`member ${me} is the last data member: the data of its ${held()} partitions is lost when it stops`);
      return;
    }
    const start = Date.now();
    const deadline = start + timeoutMs;
    logger.info(`handing off ${held()} partitions before leaving`);
    const othersLeft = () => spi.view().members.some((m) => m.id !== me && partitions.groupOf(m) !== undefined);
    while (held() > 0 && Date.now() < deadline && othersLeft()) {
      const master = spi.view().members[0];
      const msg: PartitionMessage = { t: 'drain', member: me, ms: deadline - Date.now() };
      try {
        const result = master.id === me
          ? await partitions.handleLocal(msg)
          : await spi.request(master.id, PARTITION_SERVICE, msg, isDrainAnswer, Math.max(1, deadline - Date.now()));
        if (result === 'frozen') {
          logger.warn(`the cluster is in state ${spi.clusterState()}: no partition migrates, this member leaves with its ${held()} partitions (${leftBehind(spi, partitions)})`);
          return;
        }
        if (result === 'nobody') {
          logger.warn(`no other data member can take over (all are leaving): the data of the ${held()} partitions this member holds is lost once the last of them stops`);
          return;
        }
      } catch (err) {
        logger.debug(`partition hand-off via master ${master.address}: ${messageOf(err)}`);
      }
      if (held() > 0) await sleep(100);
    }
    if (held() === 0) {
      logger.info(`handed off all partitions in ${Date.now() - start} ms`);
      return;
    }
    const why = othersLeft()
      ? `not handed off after ${timeoutMs} ms (com.openexchange.hazelcast.partition.gracefulShutdownTimeout)`
      : `not handed off: every other data member left during the hand-off (${Date.now() - start} ms)`;
    logger.warn(`left with ${held()} partitions ${why}; ${leftBehind(spi, partitions)}`);
  });
}

/** What happens to the partitions this member still holds: a replica on a remaining data member takes over, the rest is lost. */
function leftBehind(spi: ClusterSpi, partitions: PartitionService): string {
  const me = spi.local.id;
  const others = new Set(spi.view().members.filter((m) => m.id !== me && partitions.groupOf(m) !== undefined).map((m) => m.id));
  let covered = 0;
  const lost: number[] = [];
  partitions.current().replicas.forEach((r, p) => {
    if (!r.includes(me)) return;
    if (r.some((id) => others.has(id))) covered++;
    else lost.push(p);
  });
  const parts: string[] = [];
  if (covered > 0) parts.push(`a backup on a remaining member takes over ${covered} of them`);
  if (lost.length > 0) parts.push(`no replica of ${lost.length} of them remains on another member: their data is lost (partitions ${lost.join(',')})`);
  return parts.join('; ');
}
