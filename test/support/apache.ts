import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOxk } from './runCli.js';
import { waitFor } from './waitFor.js';

export const APACHE_BIN = '/usr/sbin/apache2';

export interface ApacheOptions {
  /** `HOST:PORT` Apache listens on. */
  listen: string;
  /** route -> `HOST:PORT` of the node's HTTP connector. */
  nodes: Record<string, string>;
  /** Seconds a failed member stays out (BalancerMember retry=). */
  retrySeconds?: number;
}

const live = new Set<ApacheProcess>();
process.on('exit', () => {
  for (const a of live) a.killNow();
});

/** GET on loopback without keep-alive; resolves with the status (0 when refused). */
function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    // With a Referer of its own host, balancer-manager does not log a cross-site warning.
    const req = request(url, { agent: false, timeout: 2000, headers: { referer: url } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * A real Apache httpd (Debian's apache2) run with the config that `oxk apache-conf` prints, in a
 * temp folder (its own ServerRoot, PidFile, logs). `stop()` in teardown.
 */
export class ApacheProcess {
  readonly dir: string;
  readonly confFile: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(readonly options: ApacheOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'oxk-apache-'));
    // Apache started as root runs its children as www-data: they must reach this folder.
    chmodSync(this.dir, 0o755);
    this.confFile = join(this.dir, 'httpd.conf');
  }

  /** The config `oxk apache-conf` prints for these options. */
  static async config(options: ApacheOptions, dir: string): Promise<string> {
    const nodes = Object.entries(options.nodes).flatMap(([route, address]) => ['--node', `${route}=${address}`]);
    const asRoot = process.getuid?.() === 0 ? ['--user', 'www-data', '--group', 'www-data'] : [];
    const out = await runOxk(['apache-conf', '--listen', options.listen, ...nodes, '--server-root', dir, '--pid-file', join(dir, 'httpd.pid'),
      '--runtime-dir', dir, '--error-log', join(dir, 'error.log'), '--access-log', join(dir, 'access.log'), '--retry', String(options.retrySeconds ?? 60), ...asRoot]);
    if (out.code !== 0) throw new Error(`oxk apache-conf failed (${out.code}): ${out.stderr}`);
    return out.stdout;
  }

  static async start(options: ApacheOptions): Promise<ApacheProcess> {
    if (!existsSync(APACHE_BIN)) throw new Error(`${APACHE_BIN} is missing: apt-get install -y apache2`);
    const apache = new ApacheProcess(options);
    writeFileSync(apache.confFile, await ApacheProcess.config(options, apache.dir));
    const child = spawn(APACHE_BIN, ['-f', apache.confFile, '-DFOREGROUND'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    apache.child = child;
    apache.exited = new Promise((resolve) => child.on('exit', () => { live.delete(apache); resolve(); }));
    live.add(apache);
    await waitFor(`Apache on ${options.listen}`, async () => {
      if (child.exitCode !== null) throw new Error(`apache2 exited (${child.exitCode}): ${output}\n${apache.errorLog()}`);
      return (await probe(`${apache.base}/balancer-manager`)) === 200;
    }, 15_000, 50);
    return apache;
  }

  get base(): string {
    return `http://${this.options.listen}`;
  }

  get managerUrl(): string {
    return `${this.base}/balancer-manager`;
  }

  errorLog(): string {
    const file = join(this.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Lines of the access log: `%h %t "%r" %>s %b <route>`. */
  accessLog(): string[] {
    const file = join(this.dir, 'access.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Waits until `count` access-log lines match (Apache logs after it answered, so reading at once races). */
  accessLines(match: (line: string) => boolean, count: number, timeoutMs = 5000): Promise<string[]> {
    return waitFor(`${count} access log line(s)`, () => {
      const lines = this.accessLog().filter(match);
      return lines.length >= count && lines;
    }, timeoutMs);
  }

  /** SIGKILL to Apache's whole process group (it was started detached, as its own group). */
  killNow(): void {
    const pid = this.child?.pid;
    if (pid && this.child?.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM (Apache stops its children), SIGKILL when that takes too long; removes the folder. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), 10_000); });
      if ((await Promise.race([this.exited, late])) === 'late') this.killNow();
      clearTimeout(timer);
      await this.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
