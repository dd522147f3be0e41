import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { after, afterEach, before } from 'node:test';
import { promisify } from 'node:util';
import { killAll } from './nodeProcess.js';
import { tempConfig } from './tempConfig.js';
import { waitFor } from './waitFor.js';

const run = promisify(execFile);

/**
 * A private network namespace (`unshare -n`) held open by a sleeping process: its loopback is up
 * with multicast on, and iptables rules inside it never touch the host. Nodes run inside through
 * `wrap`; nothing of it survives `close()` (or the holder's death).
 */
export class PrivateNetwork {
  private constructor(private readonly holder: ChildProcess) {}

  static async create(): Promise<PrivateNetwork> {
    const holder = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && ip link set lo multicast on && exec sleep 100000'], { stdio: 'ignore' });
    const net = new PrivateNetwork(holder);
    await waitFor('the private network namespace with lo up', async () => {
      if (holder.exitCode !== null) throw new Error(`unshare exited with ${holder.exitCode}`);
      const { stdout } = await net.exec(['ip', 'link', 'show', 'lo']);
      return /MULTICAST/.test(stdout) && /UP/.test(stdout) && /state (UNKNOWN|UP)/.test(stdout);
    }, 10_000, 50);
    return net;
  }

  /** Command prefix that runs a process inside the namespace. */
  get wrap(): string[] {
    return ['nsenter', `--net=/proc/${this.holder.pid}/ns/net`];
  }

  exec(cmd: string[]): Promise<{ stdout: string; stderr: string }> {
    const [first, ...rest] = [...this.wrap, ...cmd];
    return run(first!, rest, { timeout: 10_000 });
  }

  /** GET a URL from inside the namespace; undefined when it fails. */
  async get(url: string): Promise<string | undefined> {
    try {
      return (await this.exec(['curl', '-s', '--max-time', '3', url])).stdout;
    } catch {
      return undefined;
    }
  }

  /** Drops all traffic between the two address groups, both directions. */
  async cut(a: string[], b: string[]): Promise<void> {
    for (const x of a) {
      for (const y of b) {
        await this.exec(['iptables', '-A', 'INPUT', '-s', x, '-d', y, '-j', 'DROP']);
        await this.exec(['iptables', '-A', 'INPUT', '-s', y, '-d', x, '-j', 'DROP']);
      }
    }
  }

  async heal(): Promise<void> {
    await this.exec(['iptables', '-F', 'INPUT']);
  }

  close(): void {
    this.holder.kill('SIGKILL');
  }
}

/**
 * The hooks of a test file whose nodes run in a private network namespace: the namespace and a
 * config folder for the file, every node killed after each test, both removed at the end.
 */
export function privateNetworkFixture(): { readonly net: PrivateNetwork; readonly config: ReturnType<typeof tempConfig> } {
  const config = tempConfig();
  let net: PrivateNetwork | undefined;
  before(async () => {
    net = await PrivateNetwork.create();
  });
  afterEach(() => killAll());
  after(() => {
    net?.close();
    config.remove();
  });
  return {
    config,
    get net(): PrivateNetwork {
      if (!net) throw new Error('the private network namespace is created in the file\'s before hook');
      return net;
    },
  };
}
