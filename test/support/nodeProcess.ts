import { type ChildProcess, spawn } from 'node:child_process';
import { NODE_FLAGS } from '../../cli/nodeFlags.js';
import { oxkBin } from './paths.js';
import { waitFor } from './waitFor.js';

export interface NodeOptions {
  configDir: string;
  /** `--set key=value` overrides. */
  set?: Record<string, string | number | boolean>;
  /** Extra CLI arguments after `start`. */
  args?: string[];
  env?: Record<string, string>;
  /** Options for node itself after NODE_FLAGS, such as V8 flags that NODE_OPTIONS refuses (`--trace-gc`). */
  nodeFlags?: string[];
  /** Prefix for the node's log lines when OXK_TEST_ECHO=1 (debugging). */
  label?: string;
  /** Command prefix, e.g. `['ip', 'netns', 'exec', 'ns1']`, to run the node elsewhere. */
  wrap?: string[];
  /** Another build's `dist/cli/oxk.js` (benchmarks against an older release); default: this one. */
  bin?: string;
}

const live = new Set<NodeProcess>();
process.on('exit', () => {
  for (const node of live) node.child.kill('SIGKILL');
});

/** One `oxk start` process; all output lines are kept for assertions. */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  exitCode: number | null | undefined = undefined;
  exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  constructor(readonly options: NodeOptions) {
    const sets = Object.entries(options.set ?? {}).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const argv = [options.bin ?? oxkBin, 'start', '--config', options.configDir, ...sets, ...(options.args ?? [])];
    const [cmd, ...pre] = [...(options.wrap ?? []), process.execPath, ...NODE_FLAGS, ...(options.nodeFlags ?? [])];
    this.child = spawn(cmd, [...pre, ...argv], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    const collect = (chunk: Buffer, rest: { s: string }) => {
      rest.s += chunk.toString('utf8');
      const parts = rest.s.split('\n');
      rest.s = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        if (process.env.OXK_TEST_ECHO) process.stderr.write(`[${options.label ?? this.child.pid}] ${line}\n`);
      }
    };
    const out = { s: '' };
    const err = { s: '' };
    this.child.stdout?.on('data', (c: Buffer) => collect(c, out));
    this.child.stderr?.on('data', (c: Buffer) => collect(c, err));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Waits for a log line matching `pattern`; returns it. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(`a line matching ${pattern} from ${this.options.label ?? this.pid}`, () => {
      if (!this.running && !this.lines.some((l) => pattern.test(l))) {
        throw new Error(`process exited (${this.exitCode ?? this.exitSignal}); output:\n${this.output().slice(-3000)}`);
      }
      return this.lines.find((l) => pattern.test(l));
    }, timeoutMs);
  }

  /** Waits until the node logs that it is ready. */
  ready(timeoutMs = 20_000): Promise<string> {
    return this.waitForLine(/node ready/, timeoutMs);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** Resolves with the exit code once the process is gone. */
  async waitForExit(timeoutMs = 15_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.options.label ?? this.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.exitCode ?? null;
  }

  /** SIGTERM and wait; SIGKILL when it does not exit in time. For teardown. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    try {
      await this.waitForExit(timeoutMs);
    } catch {
      this.signal('SIGKILL');
      await this.exited;
    }
  }

  /** SIGKILL and wait for the process to be gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await this.exited;
  }
}

/** Kills every node still running: call from `after`/`afterEach` hooks. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((n) => n.kill()));
}
