/** A failure talking to the agent, with a message an operator can act on. */
export class JolokiaClientError extends Error {}

export interface JolokiaTarget {
  url: string;
  user?: string;
  password?: string;
}

export interface BulkResult {
  status: number;
  value?: unknown;
  error?: string;
  error_type?: string;
}

/** Sends one bulk POST; answers in request order. Transport and HTTP failures become JolokiaClientError. */
export async function bulk(target: JolokiaTarget, requests: object[], timeoutMs = 10_000): Promise<BulkResult[]> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${target.user}:${target.password ?? ''}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(target.url, { method: 'POST', headers, body: JSON.stringify(requests), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw new JolokiaClientError(`cannot reach Jolokia at ${target.url}: ${cause}`);
  }
  if (response.status === 401) throw new JolokiaClientError(`Jolokia at ${target.url} refused the credentials (401): give --user and --password (com.openexchange.jolokia.user/.password)`);
  if (response.status === 403) throw new JolokiaClientError(`Jolokia at ${target.url} refused this client (403): it accepts only localhost unless com.openexchange.jolokia.restrict.to.localhost=false`);
  if (response.status === 404) throw new JolokiaClientError(`no Jolokia agent at ${target.url} (404): is com.openexchange.jolokia.start=true and are com.openexchange.jolokia.user/.password set on that node?`);
  if (response.status !== 200) throw new JolokiaClientError(`Jolokia at ${target.url} answered HTTP ${response.status}`);
  const body = (await response.json()) as unknown;
  if (!Array.isArray(body) || body.length !== requests.length) throw new JolokiaClientError(`Jolokia at ${target.url} sent an unexpected answer to a bulk request`);
  return body as BulkResult[];
}
