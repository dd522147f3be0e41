import { Command, InvalidArgumentError } from 'commander';
import { checkHistory } from '../../test/support/chaos/checker.js';
import { FAULTS, type FaultName, readHistory } from '../../test/support/chaos/history.js';
import { formatReport } from '../../test/support/chaos/reportTable.js';
import { runChaos } from '../../test/support/chaos/runChaos.js';

// `npm run chaos -- [options]`: a fault run on 127.0.16.1-.5 inside a private network namespace,
// or `--check FILE` to re-check a history alone.

function duration(text: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a duration (e.g. 90s, 10m, 5000ms)`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm'];
}

function faults(text: string): FaultName[] {
  const list = text.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = list.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (bad.length || list.length === 0) throw new InvalidArgumentError(`unknown fault(s) ${bad.join(', ') || '(none given)'}; known: ${FAULTS.join(', ')}`);
  return list as FaultName[];
}

function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a non-negative integer`);
  return Number(text);
}

const program = new Command('chaos')
  .description('Jepsen-style fault run against a five-node grid: clients write through every member while a nemesis kills, pauses, stops and partitions nodes; a checker reads the history')
  .option('--duration <time>', 'keep injecting faults (in seeded order) for this long; without it each fault runs once', duration)
  .option('--faults <list>', `comma-separated, of ${FAULTS.join(', ')}`, faults, [...FAULTS])
  .option('--seed <n>', 'random seed (nodes, sides, keys)', integer, Date.now() % 100_000)
  .option('--out <dir>', 'folder for history.jsonl and report.json', 'chaos-out')
  .option('--backups <n>', 'sync backup count of the maps', integer, 1)
  .option('--min-cluster-size <n>', 'splitBrainProtection.minimumClusterSize of the maps (0: off)', integer, 0)
  .option('--hold <time>', 'how long a fault stays once the cluster noticed it', duration, 5000)
  .option('--pause <ms>', 'pause between one client loop\'s operations', integer, 10)
  .option('--check <file>', 'only check an existing history file')
  .action(async (o: { duration?: number; faults: FaultName[]; seed: number; out: string; backups: number; minClusterSize: number; hold: number; pause: number; check?: string }) => {
    if (o.check) {
      const parsed = readHistory(o.check);
      const report = checkHistory(parsed.records, parsed.problems);
      process.stdout.write(`${formatReport(report)}\n`);
      process.exitCode = report.valid ? 0 : 1;
      return;
    }
    process.stderr.write(`chaos run, seed ${o.seed}, faults ${o.faults.join(', ')}${o.duration ? `, for ${o.duration} ms` : ', each once'}\n`);
    const result = await runChaos({
      addresses: [1, 2, 3, 4, 5].map((i) => `127.0.16.${i}`), faults: o.faults, durationMs: o.duration, seed: o.seed, outDir: o.out,
      backupCount: o.backups, minimumClusterSize: o.minClusterSize, sharedKeys: 8, holdMs: o.hold, quietMs: 2000, pauseMs: o.pause,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${formatReport(result.report)}\nhistory: ${result.historyFile}\nreport: ${result.reportFile}\n`);
    process.exitCode = result.report.valid ? 0 : 1;
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`chaos: ${err.message}\n`);
  process.exitCode = 2;
});
