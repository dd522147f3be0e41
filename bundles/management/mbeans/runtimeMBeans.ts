import { hostname } from 'node:os';
import type { MBean } from '../api.js';
import { JmxError } from '../server/jmxErrors.js';

/** `MemoryMXBean.gc()`: a full collection, e.g. before reading the resident set of a node. */
function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new JmxError('java.lang.UnsupportedOperationException', 400, 'gc needs the node started with --expose-gc (NODE_OPTIONS=--expose-gc)');
  gc();
}

/** `java.lang:type=Runtime` and `java.lang:type=Memory`, the MBeans every JMX console looks for first. */
export function runtimeMBeans(node: { startedAt: number }): [string, MBean][] {
  const usage = (heap: boolean) => () => {
    const m = process.memoryUsage();
    return heap
      ? { init: 0, used: m.heapUsed, committed: m.heapTotal, max: -1 }
      : { init: 0, used: m.rss - m.heapTotal, committed: m.rss - m.heapTotal, max: -1 };
  };
  return [
    ['java.lang:type=Runtime', {
      className: 'oxkernel.RuntimeMBean',
      description: 'The node process',
      attributes: [
        { name: 'Name', type: 'java.lang.String', description: 'pid@host', get: () => `${process.pid}@${hostname()}` },
        { name: 'VmName', type: 'java.lang.String', get: () => 'Node.js' },
        { name: 'VmVersion', type: 'java.lang.String', get: () => process.versions.node },
        { name: 'StartTime', type: 'long', description: 'ms since the epoch', get: () => node.startedAt },
        { name: 'Uptime', type: 'long', description: 'ms since start', get: () => Date.now() - node.startedAt },
        { name: 'Pid', type: 'long', get: () => process.pid },
      ],
    }],
    ['java.lang:type=Memory', {
      className: 'oxkernel.MemoryMBean',
      description: 'Memory of the node process (bytes)',
      attributes: [
        { name: 'HeapMemoryUsage', type: 'java.util.Map', description: 'V8 heap: used, committed', get: usage(true) },
        { name: 'NonHeapMemoryUsage', type: 'java.util.Map', description: 'Resident set outside the V8 heap', get: usage(false) },
      ],
      operations: [
        { name: 'gc', description: 'Runs a full garbage collection (needs --expose-gc)', params: [], returnType: 'void', invoke: fullGc },
      ],
    }],
  ];
}
