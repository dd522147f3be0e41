import type { Command } from 'commander';
import { parseDuration } from '../../../../core/config/duration.js';
import type { UpgradeNode } from './nodeStatus.js';
import { type Step, upgradePlan } from './plan.js';
import { ProgressReporter } from './progressReporter.js';

interface UpgradeFlags {
  balancer: string;
  node: string[];
  stop: string;
  exec?: string;
  legacy: boolean;
  updateTasks?: string;
  from?: string;
  dryRun: boolean;
  jolokiaUser?: string;
  jolokiaPassword?: string;
  drainTimeout: string;
  joinTimeout: string;
  commandTimeout: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseUpgradeNode(spec: string): UpgradeNode {
  const m = /^([A-Za-z0-9._-]+)=([^:\s]+):(\d+)$/.exec(spec);
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) throw new Error(`--node "${spec}" is not ROUTE=HOST:PORT (the node's route and HTTP connector)`);
  return { route: m[1]!, host: m[2]!, port: Number(m[3]) };
}

function milliseconds(flag: string, value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
  } catch {
    // Reported below with the flag's name.
  }
  throw new Error(`${flag} "${value}" is not a positive duration (e.g. 120s, 5m)`);
}

/** Runs the steps in order, reporting each; the first failure ends the run and says where it stopped and what to do next. */
async function runPlan(steps: Step[], out: NodeJS.WritableStream, reporter: ProgressReporter): Promise<number> {
  for (const [i, step] of steps.entries()) {
    const label = `[${i + 1}/${steps.length}] ${step.route === '-' ? '' : `${step.route}: `}${step.title}`;
    out.write(`${label} ...\n`);
    await reporter.stepStarted(step.route, label);
    const started = Date.now();
    try {
      await step.run();
    } catch (err) {
      const stopped = `oxk upgrade stopped at step ${i + 1} of ${steps.length} (${step.route === '-' ? 'before any node' : `node ${step.route}`}: ${step.title}): ${(err as Error).message}`;
      process.stderr.write(`${stopped}\n`);
      process.stderr.write(`where things stand: ${step.next}\n`);
      await reporter.failed(step.route, label, `${stopped}; ${step.next}`);
      return 1;
    }
    out.write(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await reporter.stepDone(step.route, label, steps[i + 1]?.route !== step.route);
  }
  await reporter.finished();
  out.write(`oxk upgrade: every node upgraded and enabled again\n`);
  return 0;
}

/** `oxk upgrade`: the seed's single-node upgrade for every node in turn, through Apache's balancer-manager. */
export function addUpgradeCommand(program: Command): void {
  program
    .command('upgrade')
    .description('upgrade every node in turn: disable it in balancer-manager, stop it gracefully, replace and start it, wait until it joined, enable it again')
    .requiredOption('--balancer <url>', 'balancer-manager URL, e.g. http://127.0.0.1/balancer-manager')
    .requiredOption('--node <route=host:port>', 'a node: its route and HTTP connector, in upgrade order (repeat per node)', collect, [])
    .option('--stop <command>', 'stops a node gracefully; {route} {host} {port} are filled in', 'systemctl stop oxk@{route}')
    .option('--exec <command>', 'replaces and starts a node; {route} {host} {port} {bridge} are filled in ({bridge}: true on the first node of --legacy)')
    .option('--legacy', 'a major upgrade: the first node runs the legacy bridge and the update tasks, then the others follow', false)
    .option('--update-tasks <command>', 'with --legacy: runs the database update tasks on the first node')
    .option('--from <route>', 'start at this node (after a stop); the nodes before it are taken as upgraded')
    .option('--dry-run', 'print the plan and change nothing', false)
    .option('--jolokia-user <user>', 'management credentials: full /health details and the bridge\'s stop')
    .option('--jolokia-password <password>', 'management credentials')
    .option('--drain-timeout <duration>', 'longest wait for a disabled node\'s requests in flight (then a warning: its graceful stop lets them finish)', '60s')
    .option('--join-timeout <duration>', 'longest wait for a stop, a join or cluster safe', '180s')
    .option('--command-timeout <duration>', 'longest run of one --stop, --exec or --update-tasks command', '10m')
    .action(async (o: UpgradeFlags) => {
      try {
        if (o.node.length === 0) throw new Error('give every node with --node ROUTE=HOST:PORT');
        if (!o.exec) throw new Error('--exec <command> is required: it replaces and starts a node (e.g. \'systemctl start oxk@{route}\')');
        if (o.legacy !== (o.updateTasks !== undefined)) throw new Error('--legacy and --update-tasks go together');
        let nodes = o.node.map(parseUpgradeNode);
        if (o.from !== undefined) {
          const at = nodes.findIndex((n) => n.route === o.from);
          if (at < 0) throw new Error(`--from ${o.from} is not one of the nodes (${nodes.map((n) => n.route).join(', ')})`);
          if (o.legacy && at > 0) throw new Error('--from with --legacy: the legacy steps belong to the first node; run the rest without --legacy');
          nodes = nodes.slice(at);
        }
        const authorization = o.jolokiaUser ? `Basic ${Buffer.from(`${o.jolokiaUser}:${o.jolokiaPassword ?? ''}`).toString('base64')}` : undefined;
        const steps = upgradePlan({
          balancer: o.balancer, nodes, stop: o.stop, exec: o.exec, authorization, out: process.stdout,
          legacy: o.legacy ? { updateTasks: o.updateTasks! } : undefined,
          drainMs: milliseconds('--drain-timeout', o.drainTimeout),
          joinMs: milliseconds('--join-timeout', o.joinTimeout),
          commandMs: milliseconds('--command-timeout', o.commandTimeout),
        });
        if (o.dryRun) {
          for (const [i, s] of steps.entries()) process.stdout.write(`${i + 1}. ${s.route === '-' ? '' : `${s.route}: `}${s.title}\n`);
          return;
        }
        process.exitCode = await runPlan(steps, process.stdout, new ProgressReporter(nodes, authorization, process.stdout));
      } catch (err) {
        process.stderr.write(`oxk upgrade: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
