import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PrivateNetwork } from '../privateNetwork.js';

/** Programs the nemesis runs: the namespace, the partitions inside it, and /health from inside it. */
const PROGRAMS: Record<string, string> = {
  unshare: 'util-linux, creates the private network namespace',
  nsenter: 'util-linux, runs nodes and commands inside it',
  ip: 'iproute2, brings its loopback up',
  iptables: 'iptables, cuts the network between members',
  curl: 'curl, reads /health from inside the namespace',
};

function onPath(program: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What the nemesis lacks on this machine, one line each; empty when it has everything. */
export function missingRequirements(env: { uid: number; path: string } = { uid: process.getuid?.() ?? -1, path: process.env.PATH ?? '' }): string[] {
  const missing: string[] = [];
  if (env.uid !== 0) missing.push(`root (running as uid ${env.uid}): unshare -n and iptables need CAP_SYS_ADMIN and CAP_NET_ADMIN`);
  for (const [program, why] of Object.entries(PROGRAMS)) {
    if (!onPath(program, env.path)) missing.push(`${program} (${why}) is not on PATH`);
  }
  return missing;
}

/** The private network namespace the nemesis partitions; a clear error when this machine cannot make one. */
export async function chaosNetwork(): Promise<PrivateNetwork> {
  const missing = missingRequirements();
  if (missing.length) throw new Error(`the chaos nemesis cannot create a private network namespace; it needs:\n  - ${missing.join('\n  - ')}`);
  try {
    return await PrivateNetwork.create();
  } catch (err) {
    throw new Error(`the chaos nemesis could not create a private network namespace (unshare -n, then ip link set lo up inside it; needs root and a kernel that allows network namespaces): ${(err as Error).message}`);
  }
}
