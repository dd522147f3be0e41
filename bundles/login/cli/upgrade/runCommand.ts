import { spawn } from 'node:child_process';

/** `{route}`, `{host}`, `{port}` and `{bridge}` of an operator's command, filled in for one node. */
export function fillIn(command: string, values: Record<string, string>): string {
  return command.replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);
}

/** Runs an operator's shell command to completion; rejects on a non-zero exit or the deadline. */
export function runCommand(command: string, timeoutMs: number, out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"${command}" did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`"${command}" could not run: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`"${command}" failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}
