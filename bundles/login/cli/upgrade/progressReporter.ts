import { type NodeState, type Progress, ROLLING_UPGRADE_MBEAN } from '../../upgrade/progress.js';
import { jolokiaExec } from './jolokiaExec.js';
import type { UpgradeNode } from './nodeStatus.js';

/** A node that does not answer a report within this time is skipped for the next one. */
const REPORT_TIMEOUT_MS = 3000;

/**
 * Tells the cluster where `oxk upgrade` stands, at every step: the whole progress goes to the
 * RollingUpgrade MBean (`report`) of the first node that takes it, the node being upgraded last. A
 * report that no node takes is a warning in the output, never a reason to stop the upgrade.
 */
export class ProgressReporter {
  private readonly progress: Progress;

  constructor(private readonly nodes: readonly UpgradeNode[], private readonly authorization: string | undefined, private readonly out: NodeJS.WritableStream) {
    const now = Date.now();
    this.progress = { state: 'running', startedAt: now, updatedAt: now, step: '', nodes: nodes.map((n) => ({ route: n.route, state: 'pending', message: '' })), error: '' };
    if (!authorization) out.write('note: without --jolokia-user and --jolokia-password the upgrade\'s progress is not reported to the cluster (RollingUpgrade MBean)\n');
  }

  stepStarted(route: string, label: string): Promise<void> {
    this.progress.step = label;
    this.setNode(route, 'upgrading', label);
    return this.send(route);
  }

  /** `lastOfNode`: the node is upgraded and enabled again. */
  stepDone(route: string, label: string, lastOfNode: boolean): Promise<void> {
    this.progress.step = `${label}: done`;
    if (lastOfNode) this.setNode(route, 'done', 'upgraded and enabled again');
    return this.send(route);
  }

  failed(route: string, label: string, error: string): Promise<void> {
    this.progress.state = 'failed';
    this.progress.step = label;
    this.progress.error = error;
    this.setNode(route, 'failed', error);
    return this.send(route);
  }

  finished(): Promise<void> {
    this.progress.state = 'done';
    return this.send(undefined);
  }

  private setNode(route: string, state: NodeState, message: string): void {
    const node = this.progress.nodes.find((n) => n.route === route);
    if (!node) return;
    node.state = state;
    node.message = message.slice(0, 1024);
  }

  private async send(busyRoute: string | undefined): Promise<void> {
    if (!this.authorization) return;
    this.progress.updatedAt = Math.max(Date.now(), this.progress.updatedAt);
    this.progress.error = this.progress.error.slice(0, 4096);
    const call = { mbean: ROLLING_UPGRADE_MBEAN, operation: 'report', arguments: [JSON.stringify(this.progress)] };
    const order = [...this.nodes.filter((n) => n.route !== busyRoute), ...this.nodes.filter((n) => n.route === busyRoute)];
    const failures: string[] = [];
    for (const node of order) {
      try {
        const answer = await jolokiaExec(node, this.authorization, call, REPORT_TIMEOUT_MS);
        if (answer.status === 200) return;
        failures.push(`${node.route}: ${answer.status} ${answer.error ?? ''}`.trim());
      } catch (err) {
        failures.push(`${node.route}: ${(err as Error).message}`);
      }
    }
    this.out.write(`warning: upgrade progress not reported (${failures.join('; ')}); the upgrade goes on\n`);
  }
}
