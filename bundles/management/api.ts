import { extensionPoint } from '../../core/extensionPoint.js';
import { serviceToken } from '../../core/serviceToken.js';
import { ObjectName } from './server/objectName.js';

/** JMX open types, as Jolokia reports them. */
export type MBeanType = 'java.lang.String' | 'int' | 'long' | 'double' | 'boolean' | 'java.util.Map' | 'java.util.List' | '[Ljava.lang.String;';

export interface MBeanAttribute {
  name: string;
  type: MBeanType;
  description?: string;
  get(): unknown;
  /** Present for writable attributes; throws to refuse a value. */
  set?(value: unknown): void;
}

export interface MBeanOperation {
  name: string;
  description?: string;
  params: { name: string; type: MBeanType }[];
  returnType: MBeanType | 'void';
  invoke(args: unknown[]): unknown | Promise<unknown>;
}

export interface MBean {
  /** Shown as the MBean's class name, e.g. `com.hazelcast.jmx.MapMBean`. */
  className?: string;
  description?: string;
  attributes: MBeanAttribute[];
  operations?: MBeanOperation[];
}

export interface MBeanServer {
  /** `objectName` in JMX form, e.g. `com.hazelcast:type=IMap,name=sessions,instance=OX1`. */
  register(objectName: string, mbean: MBean): void;
  unregister(objectName: string): void;
  isRegistered(objectName: string): boolean;
  /** Canonical names matching a pattern (`*`, `?`, `,*`). */
  query(pattern: string): string[];
  /** An attribute's current value; throws for an unknown MBean or attribute. */
  getAttribute(objectName: string, attribute: string): unknown;
  /** Sets a writable attribute (value converted to its type); returns the previous value. */
  setAttribute(objectName: string, attribute: string, value: unknown): unknown;
  /** Invokes an operation; `args` are converted to the parameter types. */
  invoke(objectName: string, operation: string, args: unknown[]): Promise<unknown>;
}

/** Thrown by an attribute setter or an operation to refuse a client's value: reported as a 400, not a failure. */
export class MBeanArgumentError extends Error {}

export const MBEAN_SERVER = serviceToken<MBeanServer>('management.mbeanServer');

/**
 * MBeans a bundle contributes with `ctx.contribute(MBEANS, ...)`: one fixed MBean, or a set that
 * changes while the bundle runs (the grid's members, maps, topics), asked for before every lookup.
 * Withdrawn, with every MBean it brought, when the bundle stops.
 */
export type MBeanContribution =
  | { objectName: string; mbean: MBean }
  | { mbeans: () => ReadonlyMap<string, () => MBean> };

/** One Prometheus gauge family a bundle adds to `/metrics` besides the MBean attributes. */
export interface MetricCollector {
  /** Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
  name: string;
  help: string;
  collect(): { labels?: Record<string, string>; value: number }[];
}

export const MBEANS = extensionPoint<MBeanContribution>('management.mbeans');
export const METRICS = extensionPoint<MetricCollector>('management.metrics');

/** JMX quoting of an ObjectName value: unchanged when it is safe unquoted, quoted (`"a\\"b"`) otherwise. */
export const objectNameValue = (value: string): string => ObjectName.value(value);
