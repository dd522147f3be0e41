import type { KernelService } from '../../../core/kernelService.js';
import { type MBean, MBeanArgumentError } from '../api.js';

/** A kernel operation whose refusal (unknown bundle, missing provider, bad value) is the caller's to fix: a 400 with the reason. */
export async function refusedAsArgument<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new MBeanArgumentError((err as Error).message);
  }
}

/**
 * `com.openexchange.kernel:type=Config`: live configuration (`oxk config set`, `oxk config reload`).
 * Each operation answers the kernel's report: applied (values masked when sensitive), refused with
 * the reason (the old value stays), restarted bundles.
 */
export function configMBean(kernel: KernelService): MBean {
  return {
    className: 'oxkernel.kernel.ConfigMBean',
    description: 'Changes the configuration of the running node',
    attributes: [],
    operations: [
      {
        name: 'set',
        description: 'sets one property; a property that is not reloadable is refused unless restart is true (its bundle restarts)',
        params: [{ name: 'key', type: 'java.lang.String' }, { name: 'value', type: 'java.lang.String' }, { name: 'restart', type: 'boolean' }],
        returnType: 'java.util.Map',
        invoke: ([key, value, restart]) => refusedAsArgument(() => kernel.setConfig(String(key), String(value), { restart: restart === true })),
      },
      {
        name: 'reload',
        description: 'reads the config folder again and applies what changed',
        params: [{ name: 'restart', type: 'boolean' }],
        returnType: 'java.util.Map',
        invoke: ([restart]) => refusedAsArgument(() => kernel.reloadConfig({ restart: restart === true })),
      },
    ],
  };
}
