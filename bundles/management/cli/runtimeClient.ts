import { objectNameValue } from '../api.js';
import { bulk, JolokiaClientError, type JolokiaTarget } from './jolokiaClient.js';
import type { BundleEvent } from '../mbeans/bundleEventLog.js';

const KERNEL = 'com.openexchange.kernel';
/** Stopping the grid hands off partitions first; a stop of it and its dependents may take a while. */
const LIFECYCLE_TIMEOUT_MS = 180_000;

export interface RemoteBundle {
  name: string;
  version: string;
  state: string;
  reason: string;
  builtIn: boolean;
  source: string;
  requires: string[];
  optionalRequires: string[];
}

export interface LifecycleAnswer {
  stopped: string[];
  started: string[];
}

export interface ConfigAnswer {
  applied: { bundle: string; key: string; from: string; to: string }[];
  refused: { bundle: string; key: string; reason: string }[];
  restarted: string[];
}

/** The message of a Jolokia error without its Java class prefix. */
const reason = (error?: string) => (error ?? 'unknown error').replace(/^[\w.$]+ : /, '');

/** Every bundle of the running node, by name, from its `type=Bundle` MBeans. */
export async function remoteBundles(target: JolokiaTarget): Promise<RemoteBundle[]> {
  const [answer] = await bulk(target, [{ type: 'read', mbean: `${KERNEL}:type=Bundle,*` }]);
  if (answer.status !== 200) throw new JolokiaClientError(`reading the bundle MBeans of ${target.url} failed: ${reason(answer.error)}`);
  const beans = Object.values(answer.value as Record<string, Record<string, unknown>>);
  return beans.map((b) => ({
    name: String(b.Name),
    version: String(b.Version ?? ''),
    state: String(b.State ?? ''),
    reason: String(b.Reason ?? ''),
    builtIn: b.BuiltIn === true,
    source: String(b.Source ?? ''),
    requires: (b.Requires as string[] | undefined) ?? [],
    optionalRequires: (b.OptionalRequires as string[] | undefined) ?? [],
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The node's recent bundle state changes (kernel events), numbered, oldest first. */
export async function remoteBundleEvents(target: JolokiaTarget): Promise<BundleEvent[]> {
  const [answer] = await bulk(target, [{ type: 'read', mbean: `${KERNEL}:type=Kernel`, attribute: 'BundleEvents' }]);
  if (answer.status !== 200) throw new JolokiaClientError(`reading the bundle events of ${target.url} failed: ${reason(answer.error)}`);
  return answer.value as BundleEvent[];
}

/** Runs `start`, `stop` or `restart` on a bundle; an unknown name is refused with the known ones. */
export async function bundleOperation(target: JolokiaTarget, operation: 'start' | 'stop' | 'restart', name: string): Promise<LifecycleAnswer> {
  const known = (await remoteBundles(target)).map((b) => b.name);
  if (!known.includes(name)) throw new JolokiaClientError(`no bundle named "${name}" on ${target.url} (known: ${known.join(', ')})`);
  const mbean = `${KERNEL}:type=Bundle,name=${objectNameValue(name)}`;
  const [answer] = await bulk(target, [{ type: 'exec', mbean, operation, arguments: [] }], LIFECYCLE_TIMEOUT_MS);
  if (answer.status !== 200) throw new JolokiaClientError(`${operation} of bundle ${name} refused: ${reason(answer.error)}`);
  return answer.value as LifecycleAnswer;
}

/** `set` (key, value) or `reload` on the node's config MBean. */
export async function configOperation(target: JolokiaTarget, request: { set: [string, string] } | { reload: true }, restart: boolean): Promise<ConfigAnswer> {
  const [operation, args] = 'set' in request ? ['set', [...request.set, restart]] : ['reload', [restart]];
  const [answer] = await bulk(target, [{ type: 'exec', mbean: `${KERNEL}:type=Config`, operation, arguments: args }], LIFECYCLE_TIMEOUT_MS);
  if (answer.status !== 200) throw new JolokiaClientError(`config ${operation} refused: ${reason(answer.error)}`);
  return answer.value as ConfigAnswer;
}
