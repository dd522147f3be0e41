import type { BundleInfo, KernelService } from '../../../core/kernelService.js';
import { type MBean, MBeanArgumentError } from '../api.js';
import { ObjectName } from '../server/objectName.js';

export const KERNEL_DOMAIN = 'com.openexchange.kernel';

/** `com.openexchange.kernel:type=Kernel` and one `type=Bundle,name=<bundle>` per bundle, read live from the kernel. */
export function kernelMBeans(kernel: KernelService, node: { route: string; startedAt: number }): [string, MBean][] {
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
  const beans: [string, MBean][] = [[`${KERNEL_DOMAIN}:type=Kernel`, overview]];
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
        { name: 'Requires', type: '[Ljava.lang.String;', get: get('requires') },
        { name: 'OptionalRequires', type: '[Ljava.lang.String;', get: get('optionalRequires') },
        { name: 'Provides', type: '[Ljava.lang.String;', get: get('provides') },
      ],
    }]);
  }
  return beans;
}
