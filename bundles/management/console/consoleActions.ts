import type { Logger } from 'winston';
import { HttpError } from '../../http/api.js';
import { toJson } from '../jolokia/serialize.js';
import { JmxError, OperationNotFoundError } from '../server/jmxErrors.js';
import type { DefaultMBeanServer } from '../server/mbeanServer.js';
import { ObjectName } from '../server/objectName.js';
import { MBEAN_PATTERNS } from './consoleSnapshot.js';

/** What the page may ask for: each is one MBean operation on this node. */
interface ActionSpec {
  /** The MBean, from the request's fields; undefined when it does not exist (any more). */
  target(server: DefaultMBeanServer, field: (name: string) => string): { objectName?: string; what: string };
  operation: string;
  args?(field: (name: string) => string): unknown[];
  /** Logged with the user, e.g. `cleared map sessions`; absent for look-ups, which change nothing. */
  log?(field: (name: string) => string): string;
  /** Checked before anything runs (the typed confirmation). */
  check?(field: (name: string) => string): void;
}

/** Longest value preview handed to the page, whatever the MBean gives (the page shows it in a box). */
export const PREVIEW_LIMIT = 4096;

const byName = (pattern: string, value: string) => `${pattern.replace(/,\*$/, '')},name=${ObjectName.value(value)},*`;
const first = (server: DefaultMBeanServer, pattern: string) => server.query(pattern)[0];
const exact = (server: DefaultMBeanServer, name: string) => (server.isRegistered(name) ? name : undefined);

const bundle = (verb: string, operation: 'start' | 'stop' | 'restart'): ActionSpec => ({
  target: (s, f) => ({ objectName: exact(s, `com.openexchange.kernel:type=Bundle,name=${ObjectName.value(f('bundle'))}`), what: `bundle ${f('bundle')}` }),
  operation,
  log: (f) => `${verb} bundle ${f('bundle')}`,
});

const map = (s: DefaultMBeanServer, f: (name: string) => string) => ({ objectName: first(s, byName(MBEAN_PATTERNS.map, f('map'))), what: `map ${f('map')}` });
const sessions = (s: DefaultMBeanServer) => ({ objectName: exact(s, MBEAN_PATTERNS.sessions), what: 'the sessiond MBean' });

export const ACTIONS: Record<string, ActionSpec> = {
  'bundle.start': bundle('started', 'start'),
  'bundle.stop': bundle('stopped', 'stop'),
  'bundle.restart': bundle('restarted', 'restart'),
  'cluster.state': {
    target: (s) => ({ objectName: first(s, MBEAN_PATTERNS.clusterService), what: 'the cluster service (grid)' }),
    operation: 'changeClusterState',
    args: (f) => [f('state')],
    log: (f) => `changed the cluster state to ${f('state')}`,
  },
  'map.clear': {
    target: map,
    operation: 'clear',
    check: (f) => {
      if (f('confirm') !== f('map')) throw new HttpError(400, 'CONSOLE-CONFIRM', `type the map's name (${f('map')}) to confirm clearing it`);
    },
    log: (f) => `cleared map ${f('map')}`,
  },
  'map.entry': { target: map, operation: 'entryView', args: (f) => [f('key')] },
  'cache.clear': {
    target: (s, f) => ({ objectName: exact(s, `com.openexchange.caching:type=Cache,name=${ObjectName.value(f('region'))}`), what: `cache region ${f('region')}` }),
    operation: 'clear',
    log: (f) => `cleared cache region ${f('region')}`,
  },
  'sessions.list': { target: sessions, operation: 'listUserSessions', args: (f) => [f('user')] },
  'sessions.endUser': { target: sessions, operation: 'clearUserSessions', args: (f) => [f('user')], log: (f) => `ended every session of user ${f('user')}` },
  'session.end': { target: sessions, operation: 'clearSession', args: (f) => [f('sessionId')], log: (f) => `ended session ${f('sessionId')}` },
};

/**
 * Runs one action of the page for `user`: the MBean operation's result, or an HttpError with a
 * message the page shows (a member, bundle or map that is gone is a 404 naming it).
 */
export async function runAction(server: DefaultMBeanServer, logger: Logger, user: string, body: Record<string, unknown>): Promise<unknown> {
  const name = typeof body.action === 'string' ? body.action : '';
  const spec = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!spec) throw new HttpError(400, 'CONSOLE-ACTION', `unknown action ${JSON.stringify(name).slice(0, 80)} (known: ${Object.keys(ACTIONS).join(', ')})`);
  const field = (key: string) => {
    const value = body[key];
    if (typeof value !== 'string' || value === '') throw new HttpError(400, 'CONSOLE-FIELD', `${name}: field ${key} is missing`);
    return value;
  };
  spec.check?.(field);
  const { objectName, what } = spec.target(server, field);
  if (!objectName) throw new HttpError(404, 'CONSOLE-GONE', `${what} does not exist on this node (any more)`);
  const args = spec.args?.(field) ?? [];
  try {
    const result = await server.invoke(objectName, spec.operation, args);
    if (spec.log) logger.info(`console: ${user} ${spec.log(field)}`);
    return capPreview(toJson(result));
  } catch (err) {
    if (err instanceof OperationNotFoundError) {
      throw new HttpError(501, 'CONSOLE-UNSUPPORTED', `${what}: this node does not offer ${spec.operation} yet (an older version)`);
    }
    const status = err instanceof JmxError && err.status < 500 ? err.status : 500;
    if (spec.log) logger.warn(`console: ${user} tried (${spec.log(field)}), refused: ${(err as Error).message}`);
    throw new HttpError(status, 'CONSOLE-MBEAN', `${what}: ${(err as Error).message}`);
  }
}

/** Caps a value preview (entryView) at PREVIEW_LIMIT characters, marking it truncated. */
function capPreview(result: unknown): unknown {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  const view = { ...(result as Record<string, unknown>) };
  if (typeof view.valuePreview === 'string' && view.valuePreview.length > PREVIEW_LIMIT) {
    view.valuePreview = view.valuePreview.slice(0, PREVIEW_LIMIT);
    view.truncated = true;
  }
  return view;
}
