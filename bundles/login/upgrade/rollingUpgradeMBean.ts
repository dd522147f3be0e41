import { type MBean, MBeanArgumentError } from '../../management/api.js';
import { type Progress, progressProblem } from './progress.js';
import type { ProgressStore } from './progressStore.js';

/** Longest report taken (the schema's bounds allow more; real reports are a few KiB). */
const MAX_REPORT_CHARS = 256 * 1024;

/** Where a running `oxk upgrade` stands, as it reports it step by step (`report`), shown by every member. */
export function rollingUpgradeMBean(store: ProgressStore): MBean {
  return {
    className: 'com.openexchange.upgrade.RollingUpgradeMBean',
    description: 'Progress of the rolling upgrade (oxk upgrade), kept cluster-wide',
    attributes: [{
      name: 'Progress',
      type: 'java.util.Map',
      description: '{state (idle, running, done, failed), startedAt, updatedAt, step, nodes: [{route, state (pending, upgrading, done, failed), message}], error}',
      get: () => store.progress(),
    }],
    operations: [{
      name: 'report',
      description: 'Called by oxk upgrade at every step with the whole progress as JSON; refused (400) when it does not match the schema',
      params: [{ name: 'json', type: 'java.lang.String' }],
      returnType: 'void',
      invoke: async ([json]) => {
        if (typeof json !== 'string' || json.length > MAX_REPORT_CHARS) throw new MBeanArgumentError(`report needs the progress as a JSON string of at most ${MAX_REPORT_CHARS} characters`);
        let value: unknown;
        try {
          value = JSON.parse(json);
        } catch (err) {
          throw new MBeanArgumentError(`report: not JSON: ${(err as Error).message}`);
        }
        const problem = progressProblem(value);
        if (problem !== undefined) throw new MBeanArgumentError(`report: not an upgrade progress: ${problem}`);
        await store.report(value as Progress);
      },
    }],
  };
}
