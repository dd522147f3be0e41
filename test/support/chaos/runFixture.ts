import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { PrivateNetwork } from '../privateNetwork.js';
import type { ChaosCluster } from './chaosCluster.js';

/**
 * The teardown of a chaos test file: the cluster is killed and the namespace closed in any case; a
 * run that did not call `passed` keeps its history and node logs in `out` for the diagnosis.
 */
export function chaosRunFixture(name: string): { readonly out: string; track(net: PrivateNetwork, cluster?: ChaosCluster): void; passed(): void } {
  const out = mkdtempSync(join(tmpdir(), `oxk-chaos-${name}-`));
  let net: PrivateNetwork | undefined;
  let cluster: ChaosCluster | undefined;
  let ok = false;
  after(async () => {
    await cluster?.stop(ok ? undefined : join(out, 'nodes'));
    net?.close();
    if (ok) rmSync(out, { recursive: true, force: true });
    else process.stderr.write(`${name} run: history and node logs in ${out}\n`);
  });
  return {
    out,
    track(n, c) {
      net = n;
      cluster = c;
    },
    passed() {
      ok = true;
    },
  };
}
