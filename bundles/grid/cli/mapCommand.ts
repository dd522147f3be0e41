import type { Command } from 'commander';
import winston from 'winston';
import { createClusterNode } from '../cluster/createClusterNode.js';
import { DEFAULT_GROUP_PASSWORD } from '../config.js';
import { createDataLayer, type DataLayer } from '../data/dataLayer.js';
import { defaultDataOptions } from '../data/dataOptions.js';
import { hostOf } from '../partition/partitionGroups.js';
import { runMapCommand } from './mapActions.js';

interface MapCliOptions {
  connect: string;
  group: string;
  password: string;
  ttl?: string;
  count?: string;
  prefix: string;
  timeout: string;
  partitionCount: string;
}

/**
 * `oxk map --connect HOST[:PORT] NAME <command>`: joins the cluster as a lite member (holds no data),
 * runs one map command and leaves.
 */
export function registerMapCommand(program: Command): void {
  program
    .command('map')
    .description('read and write a distributed map of a running cluster (joins as a lite member holding no data)')
    .argument('<name>', 'map name')
    .argument('<command>', 'get KEY | put KEY VALUE | remove KEY | size | load | verify')
    .argument('[args...]', 'the command\'s key (and value)')
    .requiredOption('--connect <host[:port]>', 'a member of the cluster')
    .option('--group <name>', 'the cluster\'s com.openexchange.hazelcast.group.name', '')
    .option('--password <pw>', 'the cluster\'s com.openexchange.hazelcast.group.password', DEFAULT_GROUP_PASSWORD)
    .option('--ttl <seconds>', 'put: time to live')
    .option('--count <n>', 'load/verify: number of entries')
    .option('--prefix <p>', 'load/verify: key prefix', 'k')
    .option('--timeout <ms>', 'deadline of one operation', '15000')
    .option('--partition-count <n>', 'the cluster\'s hazelcast.partition.count', '271')
    .action(async (name: string, command: string, args: string[], opts: MapCliOptions) => {
      process.exitCode = await run(name, command, args, opts);
    });
}

async function run(name: string, command: string, args: string[], opts: MapCliOptions): Promise<number> {
  const logger = winston.createLogger({
    level: process.env.OXK_LOG_LEVEL ?? 'error',
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
  const host = hostOf(opts.connect.includes(':') ? opts.connect : `${opts.connect}:5701`);
  let node;
  let data: DataLayer | undefined;
  try {
    node = await createClusterNode({
      join: 'static',
      staticNodes: opts.connect,
      lite: true,
      groupName: opts.group || 'default',
      password: opts.password,
      // Bind next to the member we connect to when it is on loopback; otherwise on every interface.
      interfaces: host.startsWith('127.') ? host : '',
      port: 5701,
      portAutoIncrement: true,
      route: 'oxk-map',
      startupJoinTimeoutMs: 5000,
    }, logger, (member) => {
      data = createDataLayer(member, {
        ...defaultDataOptions,
        operationTimeoutMs: Number(opts.timeout),
        partitionCount: Number(opts.partitionCount),
      }, logger);
    });
  } catch (err) {
    process.stderr.write(`oxk map: cannot start a client member: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    if (node.view().members.length < 2) {
      process.stderr.write(`oxk map: could not join the cluster at ${opts.connect} (is it running? right --group and --password?)\n`);
      return 2;
    }
    return await runMapCommand(data!.getMap<unknown>(name), command, args, {
      ttl: opts.ttl === undefined ? undefined : Number(opts.ttl),
      count: opts.count === undefined ? undefined : Number(opts.count),
      prefix: opts.prefix,
    }, (line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    process.stderr.write(`oxk map: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await data?.stop();
    await node.stop();
  }
}
