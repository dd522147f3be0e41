import { readFileSync } from 'node:fs';

/** Jolokia credentials of benchmark nodes: they let a benchmark ask each node for a full GC. */
const JOLOKIA = { user: 'bench', password: 'bench-jolokia-pw' };

/** Properties (for `--set`) that switch Jolokia on for a benchmark node. */
export const jolokiaSettings = { 'com.openexchange.jolokia.user': JOLOKIA.user, 'com.openexchange.jolokia.password': JOLOKIA.password };

/** NODE_OPTIONS a benchmark node needs for `collectGarbage`. */
export const EXPOSE_GC = '--expose-gc';

export function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** A full garbage collection on every node (Jolokia exec of java.lang:type=Memory gc), so RSS shows live data. */
export async function collectGarbage(addresses: string[]): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${JOLOKIA.user}:${JOLOKIA.password}`).toString('base64')}`;
  await Promise.all(addresses.map(async (address) => {
    const res = await fetch(`http://${address}:8009/monitoring/jolokia/exec/java.lang:type=Memory/gc`, { headers: { authorization } });
    const body = await res.json() as { status: number; error?: string };
    if (body.status !== 200) throw new Error(`gc on ${address} failed: ${body.error}`);
  }));
}
