/** Jolokia's credentials for test nodes: start them with these `--set`s. */
export const JOLOKIA_CREDENTIALS = { user: 'jolokia-test', password: 'jolokia-secret' };
export const jolokiaSettings = { 'com.openexchange.jolokia.user': JOLOKIA_CREDENTIALS.user, 'com.openexchange.jolokia.password': JOLOKIA_CREDENTIALS.password };

/** One Jolokia request to the node whose HTTP connector is on `host:8009`; throws on an error status. */
export async function jolokia<T = unknown>(host: string, request: Record<string, unknown>): Promise<T> {
  const authorization = `Basic ${Buffer.from(`${JOLOKIA_CREDENTIALS.user}:${JOLOKIA_CREDENTIALS.password}`).toString('base64')}`;
  const res = await fetch(`http://${host}:8009/monitoring/jolokia/`, { method: 'POST', headers: { authorization }, body: JSON.stringify(request), signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: number; value?: T; error?: string };
  if (body.status !== 200) throw new Error(`jolokia ${JSON.stringify(request)} on ${host}: ${body.status} ${body.error ?? ''}`);
  return body.value as T;
}

export const readAttribute = <T>(host: string, mbean: string, attribute: string) => jolokia<T>(host, { type: 'read', mbean, attribute });
export const execOperation = <T>(host: string, mbean: string, operation: string, ...args: unknown[]) => jolokia<T>(host, { type: 'exec', mbean, operation, arguments: args });
