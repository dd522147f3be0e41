import { type MBean, type MBeanAttribute, type MBeanOperation, type MBeanServer, MBeanArgumentError } from '../api.js';
import {
  AttributeNotFoundError, IllegalArgumentError, InstanceAlreadyExistsError, InstanceNotFoundError, JmxError,
  MBeanError, MalformedObjectNameError, OperationNotFoundError, ReadOnlyAttributeError,
} from './jmxErrors.js';
import { ObjectName } from './objectName.js';
import { toJmxType } from './typedValues.js';

export interface RegisteredMBean {
  readonly name: ObjectName;
  readonly mbean: MBean;
}

/** Operation name, optionally with a Jolokia signature: `op(int,java.lang.String)`. */
const SIGNATURE = /^([^(]+)\((.*)\)$/;

/** The in-process MBean server: names kept canonical, lookups by canonical name. */
export class DefaultMBeanServer implements MBeanServer {
  private readonly beans = new Map<string, RegisteredMBean>();
  private readonly refreshers = new Set<() => void>();

  register(objectName: string, mbean: MBean): void {
    const name = ObjectName.parse(objectName);
    if (name.isPattern) throw new MalformedObjectNameError(objectName, 'cannot register an MBean under a pattern');
    const key = name.canonicalName;
    if (this.beans.has(key)) throw new InstanceAlreadyExistsError(key);
    this.beans.set(key, { name, mbean });
  }

  unregister(objectName: string): void {
    const key = ObjectName.parse(objectName).canonicalName;
    if (!this.beans.delete(key)) throw new InstanceNotFoundError(key);
  }

  isRegistered(objectName: string): boolean {
    const name = ObjectName.tryParse(objectName);
    return name !== undefined && this.beans.has(name.canonicalName);
  }

  query(pattern: string): string[] {
    return this.find(ObjectName.parse(pattern)).map((b) => b.name.canonicalName);
  }

  /** Registered MBeans matching `name` (a pattern or an exact name), sorted by canonical name. */
  find(name: ObjectName): RegisteredMBean[] {
    this.refresh();
    if (!name.isPattern) {
      const bean = this.beans.get(name.canonicalName);
      return bean ? [bean] : [];
    }
    return [...this.beans.values()].filter((b) => name.matches(b.name)).sort((a, b) => compare(a.name.canonicalName, b.name.canonicalName));
  }

  /** One registered MBean; throws InstanceNotFound. */
  lookup(objectName: string): RegisteredMBean {
    const name = ObjectName.parse(objectName);
    if (name.isPattern) throw new IllegalArgumentError(`${objectName} is a pattern, not an MBean name`);
    const [bean] = this.find(name);
    if (!bean) throw new InstanceNotFoundError(name.canonicalName);
    return bean;
  }

  getAttribute(objectName: string, attribute: string): unknown {
    const bean = this.lookup(objectName);
    return readAttribute(bean, findAttribute(bean, attribute));
  }

  setAttribute(objectName: string, attribute: string, value: unknown, fromString = false): unknown {
    const bean = this.lookup(objectName);
    const attr = findAttribute(bean, attribute);
    const canonical = bean.name.canonicalName;
    if (!attr.set) throw new ReadOnlyAttributeError(canonical, attribute);
    const converted = toJmxType(attr.type, value, `attribute ${attribute} of ${canonical}`, fromString);
    const previous = readAttribute(bean, attr);
    try {
      attr.set(converted);
    } catch (err) {
      throw asJmxError(err, canonical, `setting ${attribute}`);
    }
    return previous;
  }

  async invoke(objectName: string, operation: string, args: unknown[], fromString = false): Promise<unknown> {
    const bean = this.lookup(objectName);
    const canonical = bean.name.canonicalName;
    const op = findOperation(bean, operation, args.length);
    if (args.length !== op.params.length) {
      throw new IllegalArgumentError(`operation ${op.name} of ${canonical} takes ${op.params.length} argument(s), got ${args.length}`);
    }
    const converted = op.params.map((p, i) => toJmxType(p.type, args[i], `argument ${i + 1} (${p.name}) of ${op.name} on ${canonical}`, fromString));
    try {
      const result = await op.invoke(converted);
      return op.returnType === 'void' ? null : result;
    } catch (err) {
      throw asJmxError(err, canonical, `operation ${op.name}`);
    }
  }

  /** Runs before every lookup: lets a source register and unregister MBeans for things that come and go. */
  addRefresher(refresh: () => void): () => void {
    this.refreshers.add(refresh);
    return () => this.refreshers.delete(refresh);
  }

  private refresh(): void {
    for (const refresh of this.refreshers) refresh();
  }
}

function findAttribute(bean: RegisteredMBean, attribute: string): MBeanAttribute {
  const attr = bean.mbean.attributes.find((a) => a.name === attribute);
  if (!attr) throw new AttributeNotFoundError(bean.name.canonicalName, attribute);
  return attr;
}

/** Reads an attribute; a getter that throws becomes an MBeanException naming the MBean. */
export function readAttribute(bean: RegisteredMBean, attr: MBeanAttribute): unknown {
  try {
    return attr.get();
  } catch (err) {
    throw asJmxError(err, bean.name.canonicalName, `reading ${attr.name}`);
  }
}

/** Picks the operation by name, by Jolokia signature `name(type,...)`, or by argument count among overloads. */
function findOperation(bean: RegisteredMBean, operation: string, argCount: number): MBeanOperation {
  const canonical = bean.name.canonicalName;
  const ops = bean.mbean.operations ?? [];
  const sig = SIGNATURE.exec(operation);
  if (sig) {
    const types = sig[2].trim() === '' ? [] : sig[2].split(',').map((t) => t.trim());
    const op = ops.find((o) => o.name === sig[1] && o.params.length === types.length && o.params.every((p, i) => p.type === types[i]));
    if (!op) throw new OperationNotFoundError(canonical, operation);
    return op;
  }
  const named = ops.filter((o) => o.name === operation);
  if (named.length === 0) throw new OperationNotFoundError(canonical, operation);
  if (named.length === 1) return named[0];
  const byCount = named.filter((o) => o.params.length === argCount);
  if (byCount.length === 1) return byCount[0];
  const signatures = named.map((o) => `${o.name}(${o.params.map((p) => p.type).join(',')})`).join(', ');
  throw new IllegalArgumentError(`operation ${operation} of ${canonical} is overloaded; give a signature: ${signatures}`);
}

function asJmxError(err: unknown, objectName: string, what: string): JmxError {
  if (err instanceof JmxError) return err;
  if (err instanceof MBeanArgumentError) return new IllegalArgumentError(`${what} on ${objectName}: ${err.message}`);
  return new MBeanError(objectName, what, err);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
