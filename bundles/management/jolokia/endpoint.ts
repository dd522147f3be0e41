import type { Logger } from 'winston';
import type { HttpHandler, HttpReply, HttpRequest } from '../../http/api.js';
import { IllegalArgumentError, JmxError } from '../server/jmxErrors.js';
import type { DefaultMBeanServer } from '../server/mbeanServer.js';
import { basicAuthMatches, isLocalAddress } from '../../http/access.js';
import { RefusedCredentialsLog } from '../credentials.js';
import { type AgentInfo, type JolokiaResponse, errorResponse, execute } from './executor.js';
import { type JolokiaRequest, type ProcessingConfig, parseGetPath, parsePostRequest, toConfig } from './requestParser.js';

export const JOLOKIA_PATH = '/monitoring/jolokia';

export interface JolokiaEndpointOptions {
  user: string;
  password: string;
  restrictToLocalhost: boolean;
  agent: AgentInfo;
  logger: Logger;
}

/**
 * The Jolokia agent on the connector. Protocol errors are answered as Jolokia does: HTTP 200 with
 * the error JSON (`status`, `error_type`, `error`); only a refused client gets a non-200 status
 * (401 for credentials, without detail; 403 for a non-local address).
 */
export function jolokiaHandler(server: DefaultMBeanServer, opts: JolokiaEndpointOptions): HttpHandler {
  const refusals = new RefusedCredentialsLog('Jolokia', opts.logger);
  return async (req: HttpRequest): Promise<HttpReply> => {
    if (opts.restrictToLocalhost && !isLocalAddress(req.remoteAddress)) {
      opts.logger.warn(`Jolokia request from ${req.remoteAddress} refused: com.openexchange.jolokia.restrict.to.localhost=true`);
      return { status: 403, json: errorResponse(new JmxError('java.lang.SecurityException', 403, 'Jolokia is restricted to localhost')) };
    }
    if (!basicAuthMatches(req.headers.authorization, opts.user, opts.password)) {
      refusals.refused(req.clientAddress, req.headers.authorization);
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="jolokia"' }, body: '' };
    }
    let base: ProcessingConfig;
    try {
      base = toConfig(Object.fromEntries(req.query));
    } catch (err) {
      return { json: errorResponse(err) };
    }
    let json: unknown;
    if (req.method === 'POST') {
      json = await post(server, req, base, opts.agent);
    } else {
      let request: JolokiaRequest;
      try {
        request = parseGetPath(getPath(req));
      } catch (err) {
        return { json: errorResponse(err) };
      }
      json = await execute(server, request, base, opts.agent);
    }
    logFailures(json, opts.logger);
    return { json };
  };
}

/** A 500 means an MBean's own code failed: worth a line in the node's log, unlike a client's mistake. */
function logFailures(json: unknown, logger: Logger): void {
  for (const r of (Array.isArray(json) ? json : [json]) as JolokiaResponse[]) {
    if (r.status >= 500 && 'error' in r) logger.warn(`Jolokia request failed: ${r.error}`);
  }
}

/** A single request answers with one response, a bulk request (JSON array) with an array in the same order. */
async function post(server: DefaultMBeanServer, req: HttpRequest, base: ProcessingConfig, agent: AgentInfo): Promise<unknown> {
  const text = (await req.body()).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return errorResponse(new IllegalArgumentError(`Malformed JSON request: ${err instanceof Error ? err.message : String(err)}`));
  }
  const one = async (raw: unknown) => {
    try {
      return await execute(server, parsePostRequest(raw), base, agent);
    } catch (err) {
      return errorResponse(err, raw);
    }
  };
  if (Array.isArray(body)) {
    const out = [];
    for (const raw of body) out.push(await one(raw));
    return out;
  }
  return one(body);
}

/** A POST (any request type), or a GET whose path is a `write` or an `exec`: the connector checks its origin. */
export function jolokiaChangesState(req: HttpRequest): boolean {
  if (req.method !== 'GET') return true;
  try {
    const { type } = parseGetPath(getPath(req));
    return type === 'write' || type === 'exec';
  } catch {
    return false; // the handler answers a malformed path with an error and runs nothing
  }
}

/** The percent-decoded path below the agent's prefix, or the `p` query parameter (Jolokia's alternative). */
function getPath(req: HttpRequest): string {
  const p = req.query.get('p');
  if (p !== null) return p;
  const raw = new URL(req.raw?.url ?? req.path, 'http://localhost').pathname;
  const at = raw.indexOf(JOLOKIA_PATH);
  const below = at < 0 ? raw : raw.slice(at + JOLOKIA_PATH.length);
  try {
    return decodeURIComponent(below);
  } catch {
    throw new IllegalArgumentError(`Malformed URL encoding in ${below}`);
  }
}
