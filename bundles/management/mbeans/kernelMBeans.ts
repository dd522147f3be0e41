import type { BundleInfo, KernelService } from '../../../core/kernelService.js';
import { type MBean, MBeanArgumentError, type MBeanOperation } from '../api.js';
import { ObjectName } from '../server/objectName.js';
import type { BundleEventLog } from './bundleEventLog.js';
import { configMBean, refusedAsArgument } from './kernelConfigMBean.js';

export const KERNEL_DOMAIN = 'com.openexchange.kernel';

function lifecycleOperation(name: 'start' | 'stop' | 'restart', bundle: string, kernel: KernelService): MBeanOperation {
  const run = { start: kernel.startBundle, stop: kernel.stopBundle, restart: kernel.restartBundle }[name].bind(kernel);
  const what = { start: 'starts the bundle, then the dependents stopped with it', stop: 'stops the bundle, first every bundle that requires its services', restart: 'stops and starts the bundle with its dependents' }[name];
  return {
    name,
    description: `${what}; answers {stopped, started}`,
    params: [],
    returnType: 'java.util.Map',
    invoke: () => refusedAsArgument(() => run(bundle)),
  };
}

/**
 * `com.openexchange.kernel:type=Kernel`, `type=Config` and one `type=Bundle,name=<bundle>` per bundle,
 * read live from the kernel; the bundle MBeans start, stop and restart their bundle (`oxk bundle`).
 */
export function kernelMBeans(kernel: KernelService, node: { route: string; startedAt: number }, events: BundleEventLog): [string, MBean][] {
  const find = (name: string): BundleInfo | undefined => kernel.bundles().find((b) => b.name === name);
  const byState = (state: string) => kernel.bundles().filter((b) => b.state === state).length;
  const overview: MBean = {
    className: 'oxkernel.kernel.KernelMBean',
    description: 'The kernel of this node',
    attributes: [
      { name: 'Route', type: 'java.lang.String', description: 'com.openexchange.server.backendRoute', get: () => node.route },
      { name: 'StartTime', type: 'long', description: 'Start of the process (ms since the epoch)', get: () => node.startedAt },
      { name: 'Uptime', type: 'long', description: 'Time since start (ms)', get: () => Date.now() - node.startedAt },
      { name: 'BundleCount', type: 'int', description: 'Installed bundles', get: () => kernel.bundles().length },
      { name: 'ActiveBundleCount', type: 'int', description: 'Bundles in state ACTIVE', get: () => byState('ACTIVE') },
      { name: 'FailedBundleCount', type: 'int', description: 'Bundles in state FAILED', get: () => byState('FAILED') },
      { name: 'BundleStates', type: 'java.util.Map', description: 'State of each bundle', get: () => Object.fromEntries(kernel.bundles().map((b) => [b.name, b.state])) },
      { name: 'BundleEvents', type: 'java.util.List', description: 'The last bundle state changes, numbered (seq), oldest first: oxk bundle list --watch', get: () => events.recent() },
    ],
    operations: [{
      name: 'bundleState',
      description: 'The state of one bundle',
      params: [{ name: 'bundle', type: 'java.lang.String' }],
      returnType: 'java.lang.String',
      invoke: ([name]) => {
        const bundle = find(String(name));
        if (!bundle) throw new MBeanArgumentError(`no bundle named '${String(name)}' (known: ${kernel.bundles().map((b) => b.name).join(', ')})`);
        return bundle.state;
      },
    }],
  };
  const beans: [string, MBean][] = [[`${KERNEL_DOMAIN}:type=Kernel`, overview], [`${KERNEL_DOMAIN}:type=Config`, configMBean(kernel)]];
  for (const { name } of kernel.bundles()) {
    const get = <K extends keyof BundleInfo>(key: K) => () => find(name)?.[key];
    beans.push([`${KERNEL_DOMAIN}:type=Bundle,name=${ObjectName.value(name)}`, {
      className: 'oxkernel.kernel.BundleMBean',
      description: `Bundle ${name}`,
      attributes: [
        { name: 'Name', type: 'java.lang.String', get: () => name },
        { name: 'Version', type: 'java.lang.String', get: get('version') },
        { name: 'State', type: 'java.lang.String', description: 'INSTALLED, RESOLVED, UNRESOLVED, STARTING, ACTIVE, STOPPING, DISABLED or FAILED', get: get('state') },
        { name: 'Active', type: 'boolean', description: 'State is ACTIVE', get: () => find(name)?.state === 'ACTIVE' },
        { name: 'Reason', type: 'java.lang.String', description: 'Why the bundle is UNRESOLVED or FAILED', get: () => find(name)?.reason ?? '' },
        { name: 'BuiltIn', type: 'boolean', get: () => find(name)?.builtIn ?? false },
        { name: 'Source', type: 'java.lang.String', description: 'bundles/<name> for a built-in bundle, else its folder on kernel.bundles.path', get: get('source') },
        { name: 'Requires', type: '[Ljava.lang.String;', get: get('requires') },
        { name: 'OptionalRequires', type: '[Ljava.lang.String;', get: get('optionalRequires') },
        { name: 'Provides', type: '[Ljava.lang.String;', get: get('provides') },
      ],
      operations: (['start', 'stop', 'restart'] as const).map((op) => lifecycleOperation(op, name, kernel)),
    }]);
  }
  return beans;
}
