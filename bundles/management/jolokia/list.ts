import type { MBean, MBeanOperation } from '../api.js';
import { IllegalArgumentError } from '../server/jmxErrors.js';
import type { RegisteredMBean } from '../server/mbeanServer.js';
import { splitEscaped } from './requestParser.js';

type OpInfo = { args: { name: string; type: string; desc: string }[]; ret: string; desc: string };

/** Jolokia's `list` answer: `{domain: {keyList: {desc, class, attr, op}}}`, narrowed by `path` and `maxDepth`. */
export function listMBeans(beans: RegisteredMBean[], path: string | undefined, opts: { maxDepth?: number; canonicalNaming?: boolean }): unknown {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const { name, mbean } of beans) {
    const keys = opts.canonicalNaming === false ? name.keyPropertyListString : name.canonicalKeyPropertyListString;
    (tree[name.domain] ??= {})[keys] = describe(mbean);
  }
  let value: unknown = tree;
  for (const part of splitEscaped(path ?? '').filter((p) => p !== '')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) {
      throw new IllegalArgumentError(`list: no element '${part}' on path ${path}`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return opts.maxDepth ? truncate(value, opts.maxDepth) : value;
}

function describe(mbean: MBean): Record<string, unknown> {
  const info: Record<string, unknown> = { desc: mbean.description ?? '', class: mbean.className ?? 'oxkernel.MBean' };
  if (mbean.attributes.length > 0) {
    info.attr = Object.fromEntries(mbean.attributes.map((a) => [a.name, { type: a.type, desc: a.description ?? a.name, rw: a.set !== undefined }]));
  }
  const ops = mbean.operations ?? [];
  if (ops.length > 0) {
    const byName = new Map<string, OpInfo[]>();
    for (const op of ops) byName.set(op.name, [...(byName.get(op.name) ?? []), opInfo(op)]);
    info.op = Object.fromEntries([...byName].map(([n, list]) => [n, list.length === 1 ? list[0] : list]));
  }
  return info;
}

function opInfo(op: MBeanOperation): OpInfo {
  return { args: op.params.map((p) => ({ name: p.name, type: p.type, desc: p.name })), ret: op.returnType, desc: op.description ?? op.name };
}

/** Below `depth` levels, an object is replaced by 1 (Jolokia's marker for "there is more"). */
function truncate(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0) return 1;
  if (Array.isArray(value)) return value.map((v) => truncate(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncate(v, depth - 1)]));
}
