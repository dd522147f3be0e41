import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { checkParams, DEFAULT_PARAMS, hashPassword } from './scryptHash.js';
import { USER_NAME } from './userFile.js';

/** The first line of standard input (the password when `--password` is not given). */
async function readPasswordLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** `oxk passwd NAME [--password PW] [--cost N]`: prints the `users.properties` line for a user. */
export function addPasswdCommand(program: Command): void {
  program
    .command('passwd')
    .description('print the users.properties line (name=scrypt hash) for a user; the password is read from stdin unless --password is given')
    .argument('<name>', 'user name (letters, digits and . _ @ + -)')
    .option('--password <password>', 'the password (visible in the process list: prefer stdin)')
    .option('--cost <N>', 'scrypt cost N, a power of two', String(DEFAULT_PARAMS.N))
    .action(async (name: string, opts: { password?: string; cost: string }) => {
      if (!USER_NAME.test(name)) {
        process.stderr.write(`oxk passwd: "${name}" is not a valid user name (letters, digits and . _ @ + - only, at most 128)\n`);
        process.exitCode = 2;
        return;
      }
      const params = { ...DEFAULT_PARAMS, N: Number(opts.cost) };
      try {
        checkParams(params);
      } catch (err) {
        process.stderr.write(`oxk passwd: --cost: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const password = opts.password ?? (await readPasswordLine());
      if (password.length === 0) {
        process.stderr.write('oxk passwd: empty password refused\n');
        process.exitCode = 2;
        return;
      }
      process.stdout.write(`${name}=${await hashPassword(password, params)}\n`);
    });
}
