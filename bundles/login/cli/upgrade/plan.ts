import { listMembers, setDisabled } from '../balancerManager.js';
import { stopBridge } from './bridgeStop.js';
import { notSafe, nodeStatus, type UpgradeNode, waitUntil } from './nodeStatus.js';
import { fillIn, runCommand } from './runCommand.js';

export interface UpgradeOptions {
  balancer: string;
  /** In upgrade order. */
  nodes: UpgradeNode[];
  /** Stops a node gracefully (it hands its partitions off), e.g. `systemctl stop oxk@{route}`. */
  stop: string;
  /** Replaces and starts a node, e.g. `apt-get install -y oxk && systemctl start oxk@{route}`. */
  exec: string;
  /** A major upgrade with the legacy bridge on the first node, which runs the update tasks. */
  legacy?: { updateTasks: string };
  /** `Basic ...` of the management credentials: `/health` details and the bridge's stop. */
  authorization?: string;
  drainMs: number;
  joinMs: number;
  commandMs: number;
  out: NodeJS.WritableStream;
}

/** One step of the plan; `next` tells the operator where things stand when it fails. */
export interface Step {
  route: string;
  title: string;
  run(): Promise<void>;
  next: string;
}

/** The seed's "Upgrading a single Node" for every node in turn (and, with `legacy`, its nine steps of a major upgrade). */
export function upgradePlan(o: UpgradeOptions): Step[] {
  const routes = o.nodes.map((n) => n.route);
  const undrain = (route: string) => `oxk undrain ${route} --balancer ${o.balancer}`;
  const rerun = (route: string) => `then run oxk upgrade again with --from ${route}`;
  const steps: Step[] = [{
    route: '-',
    title: `read balancer-manager ${o.balancer}: every node (${routes.join(', ')}) a member and enabled`,
    next: 'nothing was changed: every node is as it was',
    run: async () => {
      const members = await listMembers(o.balancer);
      for (const route of routes) {
        const m = members.find((x) => x.route === route);
        if (!m) throw new Error(`no balancer member has route ${route}; routes: ${members.map((x) => x.route).join(', ') || 'none'}`);
        if (m.disabled) throw new Error(`${route} is already disabled (${m.status.trim()}): enable it (${undrain(route)}) or leave it out`);
      }
    },
  }];
  o.nodes.forEach((node, k) => {
    const { route } = node;
    const values = { route, host: node.host, port: String(node.port), bridge: String(o.legacy !== undefined && k === 0) };
    // Same major: one cluster of every node. A major upgrade: the upgraded nodes form the new cluster, the others stay in the legacy one.
    const othersWhileDown = o.legacy ? o.nodes.slice(k + 1) : o.nodes.filter((n) => n !== node);
    const clusterAfter = o.legacy ? o.nodes.slice(0, k + 1) : o.nodes;
    const disabledNext = `${route} is disabled in the balancer; every other node is enabled`;
    steps.push(
      {
        route, title: 'disable it in balancer-manager', next: `nothing was changed on ${route}; check balancer-manager, ${rerun(route)}`,
        run: async () => void (await setDisabled(o.balancer, route, true)),
      },
      {
        route, title: 'wait for its in-flight requests', next: `${disabledNext}; ${undrain(route)} puts it back, or ${rerun(route)}`,
        run: async () => {
          try {
            await waitUntil(`the requests in flight to ${route} to finish`, async () => {
              const busy = (await listMembers(o.balancer)).find((m) => m.route === route)?.busy;
              return busy !== undefined && busy > 0 ? `${busy} still busy` : undefined;
            }, o.drainMs);
          } catch (err) {
            // Apache's busy count can stay above 0 with nothing in flight; the graceful stop still lets open requests finish.
            o.out.write(`warning: ${(err as Error).message}; going on: ${route}'s graceful stop lets the requests it still has finish\n`);
          }
        },
      },
      {
        route, title: `stop it gracefully: ${fillIn(o.stop, values)}`, next: `${disabledNext} and may still run; ${undrain(route)} puts it back, or ${rerun(route)}`,
        run: async () => {
          await runCommand(fillIn(o.stop, values), o.commandMs, o.out);
          await waitUntil(`${route} to stop`, async () => ((await nodeStatus(node, o.authorization)) ? 'its /health still answers' : undefined), o.joinMs);
        },
      },
      {
        route, title: `wait for cluster safe on ${othersWhileDown.map((n) => n.route).join(', ') || 'no other node'}`,
        next: `${disabledNext} and stopped; the others have not settled: see their logs, start ${route} again with your command, then ${undrain(route)}`,
        run: () => waitUntil('the other nodes to be one safe cluster', () => notSafe(othersWhileDown, othersWhileDown.length, o.authorization), o.joinMs),
      },
      {
        route, title: `replace and start it: ${fillIn(o.exec, values)}`, next: `${disabledNext} and not back: see its log; once it has joined, ${undrain(route)}, then run oxk upgrade again with --from the next node`,
        run: () => runCommand(fillIn(o.exec, values), o.commandMs, o.out),
      },
      {
        route, title: `wait until it has joined (${clusterAfter.length} member(s)) and the cluster is safe`,
        next: `${disabledNext} and not back: see its log; once it has joined, ${undrain(route)}, then run oxk upgrade again with --from the next node`,
        run: async () => {
          await waitUntil(`${route} to join`, () => notSafe(clusterAfter, clusterAfter.length, o.authorization), o.joinMs);
          if (o.legacy && k === 0) {
            await waitUntil(`the legacy bridge on ${route} to join the legacy cluster`, async () => ((await nodeStatus(node, o.authorization))?.bridge?.connected ? undefined : 'its /health shows legacyBridge not connected'), o.joinMs);
          }
        },
      },
    );
    if (o.legacy && k === 0) {
      const legacy = o.legacy;
      steps.push(
        {
          route, title: `run the update tasks: ${fillIn(legacy.updateTasks, values)}`, next: `${disabledNext}; the bridge still runs there: fix the update tasks and run them again before you go on`,
          run: () => runCommand(fillIn(legacy.updateTasks, values), o.commandMs, o.out),
        },
        {
          route, title: 'stop the legacy bridge on the running node', next: `${disabledNext}; stop the bridge by hand (Jolokia exec stop on com.openexchange.kernel:type=Bundle,name=cluster-upgrade-from-legacy), then ${undrain(route)}`,
          run: async () => {
            await stopBridge(node, o.authorization);
            await waitUntil('the bridge to stop', async () => ((await nodeStatus(node, o.authorization))?.bridge?.running ? 'its /health shows legacyBridge running' : undefined), o.joinMs);
          },
        },
      );
    }
    steps.push({
      route, title: 'enable it in balancer-manager', next: `${route} is upgraded and has joined but is still disabled: ${undrain(route)}${k + 1 < o.nodes.length ? `, ${rerun(o.nodes[k + 1]!.route)}` : ''}`,
      run: async () => void (await setDisabled(o.balancer, route, false)),
    });
  });
  return steps;
}
