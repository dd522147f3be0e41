import { AttributeNotFoundError, IllegalArgumentError, InstanceNotFoundError, JmxError } from '../server/jmxErrors.js';
import type { DefaultMBeanServer, RegisteredMBean } from '../server/mbeanServer.js';
import { readAttribute } from '../server/mbeanServer.js';
import { ObjectName } from '../server/objectName.js';
import { listMBeans } from './list.js';
import type { JolokiaRequest, ProcessingConfig } from './requestParser.js';
import { followPath, toJson } from './serialize.js';

/** The Jolokia protocol version this agent speaks (Jolokia 2.x). */
export const PROTOCOL_VERSION = '8.0';

export interface AgentInfo {
  product: string;
  version: string;
  route: string;
}

export interface JolokiaSuccess { request: unknown; value: unknown; timestamp: number; status: 200 }
export interface JolokiaFailure { request?: unknown; error_type: string; error: string; status: number }
export type JolokiaResponse = JolokiaSuccess | JolokiaFailure;

/** Runs one request; every failure becomes Jolokia's error JSON, never an exception. */
export async function execute(
  server: DefaultMBeanServer, request: JolokiaRequest, base: ProcessingConfig, agent: AgentInfo,
): Promise<JolokiaResponse> {
  const shown = echo(request);
  try {
    const config = { ...base, ...definedOnly(request.config ?? {}) };
    const value = await run(server, request, config, agent);
    return { request: shown, value: toJson(value, config), timestamp: Math.floor(Date.now() / 1000), status: 200 };
  } catch (err) {
    return errorResponse(err, shown);
  }
}

/** Jolokia's error JSON: `error_type` is the Java exception class, `error` "class : message". */
export function errorResponse(err: unknown, request?: unknown): JolokiaFailure {
  const e = err instanceof JmxError ? err : new JmxError('java.lang.IllegalStateException', 500, err instanceof Error ? err.message : String(err));
  return { ...(request === undefined ? {} : { request }), error_type: e.javaType, error: `${e.javaType} : ${e.message}`, status: e.status };
}

async function run(server: DefaultMBeanServer, r: JolokiaRequest, config: ProcessingConfig, agent: AgentInfo): Promise<unknown> {
  switch (r.type) {
    case 'version':
      return {
        agent: agent.version, protocol: PROTOCOL_VERSION,
        details: { agent_version: agent.version, agent_id: `${agent.product}-${agent.route}`, server_product: agent.product },
        info: { product: agent.product, vendor: agent.product, version: agent.version },
        config: { canonicalNaming: 'true', includeStackTrace: 'false' },
      };
    case 'search': {
      const pattern = ObjectName.parse(r.mbean as string);
      return server.find(pattern).map((b) => (config.canonicalNaming === false ? b.name.toString() : b.name.canonicalName));
    }
    case 'list':
      return listMBeans(server.find(ObjectName.parse('*:*')), r.path, config);
    case 'read':
      return read(server, r, config);
    case 'write':
      if (r.path) throw new IllegalArgumentError('write with an inner path is not supported; write the whole attribute');
      return server.setAttribute(r.mbean as string, r.attribute as string, r.value, r.fromGet);
    case 'exec':
      return server.invoke(r.mbean as string, r.operation as string, r.arguments ?? [], r.fromGet);
  }
}

function read(server: DefaultMBeanServer, r: JolokiaRequest, config: ProcessingConfig): unknown {
  const name = ObjectName.parse(r.mbean as string);
  const wanted = r.attribute === null || r.attribute === undefined ? undefined : Array.isArray(r.attribute) ? r.attribute : [r.attribute];
  if (!name.isPattern) {
    if (wanted && wanted.length === 1 && !Array.isArray(r.attribute)) {
      return followPath(toJson(server.getAttribute(name.canonicalName, wanted[0]), config), r.path, name.canonicalName);
    }
    return readMany(server.lookup(name.canonicalName), wanted, config, false);
  }
  const result: Record<string, unknown> = {};
  for (const bean of server.find(name)) {
    const values = readMany(bean, wanted, config, true);
    if (Object.keys(values).length > 0) result[config.canonicalNaming === false ? bean.name.toString() : bean.name.canonicalName] = values;
  }
  if (Object.keys(result).length === 0) throw new InstanceNotFoundError(`No MBean matches ${name.canonicalName}${wanted ? ` with attribute(s) ${wanted.join(', ')}` : ''}`);
  return result;
}

/** Several attributes of one MBean; for pattern reads, attributes an MBean lacks are skipped. */
function readMany(bean: RegisteredMBean, wanted: string[] | undefined, config: ProcessingConfig, skipMissing: boolean): Record<string, unknown> {
  const attrs = wanted ?? bean.mbean.attributes.map((a) => a.name);
  const out: Record<string, unknown> = {};
  for (const attrName of attrs) {
    const attr = bean.mbean.attributes.find((a) => a.name === attrName);
    if (!attr) {
      if (skipMissing) continue;
      const missing = new AttributeNotFoundError(bean.name.canonicalName, attrName);
      if (!config.ignoreErrors) throw missing;
      out[attrName] = `ERROR: ${missing.message}`;
      continue;
    }
    try {
      out[attrName] = readAttribute(bean, attr);
    } catch (err) {
      if (!config.ignoreErrors) throw err;
      out[attrName] = `ERROR: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return out;
}

/** The request as Jolokia echoes it back (without our internal flag). */
function echo(r: JolokiaRequest): Record<string, unknown> {
  const { fromGet: _fromGet, config: _config, ...rest } = r;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

function definedOnly(config: ProcessingConfig): ProcessingConfig {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as ProcessingConfig;
}
