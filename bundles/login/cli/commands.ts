import { type Command, Option } from 'commander';
import { apacheConf, type ApacheConfOptions, parseNode } from './apacheConf.js';
import { setDisabled } from './balancerManager.js';
import { addUpgradeCommand } from './upgrade/upgradeCommand.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function fail(command: string, err: unknown): void {
  process.stderr.write(`oxk ${command}: ${(err as Error).message}\n`);
  process.exitCode = 1;
}

/** commander's values for `apache-conf`: the options' fields, with nodes and durations still text. */
type ConfFlags = Omit<ApacheConfOptions, 'nodes' | 'retrySeconds' | 'timeoutSeconds'> & { node: string[]; retry: string; timeout: string };

/** `oxk apache-conf`, `oxk drain`, `oxk undrain`, `oxk upgrade`. */
export function addApacheCommands(program: Command): void {
  addUpgradeCommand(program);
  program
    .command('apache-conf')
    .description('print an Apache httpd 2.4 config that balances over the nodes, sticky on the JSESSIONID route')
    .requiredOption('--listen <host:port>', 'address Apache listens on')
    .requiredOption('--node <route=host:port>', 'a backend node: its route and HTTP connector address (repeat per node)', collect, [])
    .option('--balancer <name>', 'balancer name', 'oxcluster')
    .option('--server-root <dir>', 'ServerRoot', '/etc/apache2')
    .option('--modules-dir <dir>', 'folder of the mod_*.so files', '/usr/lib/apache2/modules')
    .option('--pid-file <path>', 'PidFile', '/run/apache2/oxk-apache2.pid')
    .option('--runtime-dir <dir>', 'DefaultRuntimeDir (shared memory of the balancer)', '/run/apache2')
    .option('--error-log <path>', 'ErrorLog', '/var/log/apache2/oxk-error.log')
    .option('--access-log <path>', 'CustomLog (with the route that served each request); none when omitted')
    .option('--user <user>', 'User the children run as when started as root')
    .option('--group <group>', 'Group the children run as when started as root')
    .addOption(new Option('--retry <seconds>', 'seconds a failed member stays out before it is tried again').default('60'))
    .addOption(new Option('--timeout <seconds>', 'seconds to wait for a backend answer').default('100'))
    .action((o: ConfFlags) => {
      try {
        const retrySeconds = Number(o.retry);
        const timeoutSeconds = Number(o.timeout);
        if (!Number.isInteger(retrySeconds) || retrySeconds < 0) throw new Error(`--retry "${o.retry}" is not a whole number of seconds`);
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new Error(`--timeout "${o.timeout}" is not a positive whole number of seconds`);
        process.stdout.write(apacheConf({ ...o, nodes: o.node.map(parseNode), retrySeconds, timeoutSeconds }));
      } catch (err) {
        fail('apache-conf', err);
      }
    });

  for (const [name, disabled] of [['drain', true], ['undrain', false]] as const) {
    program
      .command(name)
      .description(disabled
        ? 'disable the balancer member with ROUTE in Apache\'s balancer-manager: it gets no more requests, its sessions move to other nodes'
        : 'enable the balancer member with ROUTE again in Apache\'s balancer-manager')
      .argument('<route>', 'the node\'s route (com.openexchange.server.backendRoute)')
      .requiredOption('--balancer <url>', 'balancer-manager URL, e.g. http://127.0.0.1/balancer-manager')
      .action(async (route: string, o: { balancer: string }) => {
        try {
          const member = await setDisabled(o.balancer, route, disabled);
          process.stdout.write(`${route} (${member.name} in balancer ${member.balancer}): ${member.status.trim()}\n`);
        } catch (err) {
          fail(name, err);
        }
      });
  }
}
