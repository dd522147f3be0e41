/**
 * The JMX exceptions the MBean server throws, each with the Java class name Jolokia reports as
 * `error_type` and the status Jolokia answers with.
 */
export class JmxError extends Error {
  constructor(readonly javaType: string, readonly status: number, message: string) {
    super(message);
    this.name = javaType;
  }
}

/** A malformed request or value: Jolokia reports these as IllegalArgumentException, 400. */
export class IllegalArgumentError extends JmxError {
  constructor(message: string) {
    super('java.lang.IllegalArgumentException', 400, message);
  }
}

export class MalformedObjectNameError extends JmxError {
  constructor(readonly objectName: string, reason: string) {
    super('javax.management.MalformedObjectNameException', 400, `Invalid object name '${objectName}': ${reason}`);
  }
}

export class InstanceNotFoundError extends JmxError {
  constructor(objectName: string) {
    super('javax.management.InstanceNotFoundException', 404, objectName);
  }
}

export class InstanceAlreadyExistsError extends JmxError {
  constructor(objectName: string) {
    super('javax.management.InstanceAlreadyExistsException', 409, objectName);
  }
}

export class AttributeNotFoundError extends JmxError {
  constructor(objectName: string, attribute: string) {
    super('javax.management.AttributeNotFoundException', 404, `No such attribute: ${attribute} (MBean ${objectName})`);
  }
}

/** No operation of that name (and signature): Jolokia answers 404 for a ReflectionException. */
export class OperationNotFoundError extends JmxError {
  constructor(objectName: string, operation: string) {
    super('javax.management.ReflectionException', 404, `No operation ${operation} found on MBean ${objectName}`);
  }
}

/** An attribute setter or operation threw; the cause's message is kept. */
export class MBeanError extends JmxError {
  constructor(objectName: string, what: string, cause: unknown) {
    super('javax.management.MBeanException', 500, `${what} on ${objectName} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class ReadOnlyAttributeError extends JmxError {
  constructor(objectName: string, attribute: string) {
    super('javax.management.AttributeNotFoundException', 404, `Attribute ${attribute} of ${objectName} is read-only`);
  }
}
