import { toJson } from '../jolokia/serialize.js';
import { readAttribute, type DefaultMBeanServer } from '../server/mbeanServer.js';
import { ObjectName } from '../server/objectName.js';

/** One MBean's attributes as plain JSON; attributes the MBean lacks (an older member, a failing getter) are absent. */
export interface MBeanRow {
  name: ObjectName;
  attrs: Record<string, unknown>;
  /** Names of the MBean's operations (an older member's may lack one). */
  operations: string[];
}

/** Reads `attributes` of every MBean matching `pattern`, looking the set up once (not once per attribute). */
export function readRows(server: DefaultMBeanServer, pattern: string, attributes: readonly string[]): MBeanRow[] {
  return server.find(ObjectName.parse(pattern)).map((bean) => {
    const attrs: Record<string, unknown> = {};
    for (const name of attributes) {
      const attr = bean.mbean.attributes.find((a) => a.name === name);
      if (!attr) continue;
      try {
        attrs[name] = toJson(readAttribute(bean, attr));
      } catch {
        // Shown as "n/a" in the page: one failing getter must not blank the whole view.
      }
    }
    return { name: bean.name, attrs, operations: (bean.mbean.operations ?? []).map((o) => o.name) };
  });
}

/** The first row matching `pattern`, or undefined (e.g. the grid is off). */
export function readRow(server: DefaultMBeanServer, pattern: string, attributes: readonly string[]): MBeanRow | undefined {
  return readRows(server, pattern, attributes)[0];
}

/** A finite number, or null for anything else (an absent attribute, an error string). */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
