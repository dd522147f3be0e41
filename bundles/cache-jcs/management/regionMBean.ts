import { type MBean, objectNameValue } from '../../management/api.js';
import type { JcsCacheService } from '../region/cacheService.js';
import type { Region } from '../region/region.js';

export function regionObjectName(region: string): string {
  return `com.openexchange.caching:type=Cache,name=${objectNameValue(region)}`;
}

export function regionMBean(region: Region): MBean {
  const stat = (name: string, description: string, pick: (s: ReturnType<Region['stats']>) => number) =>
    ({ name, type: 'long' as const, description, get: () => pick(region.stats()) });
  return {
    className: 'com.openexchange.caching.jcs.CacheRegionMBean',
    description: `JCS cache region ${region.name}`,
    attributes: [
      stat('Size', 'entries held now', (s) => s.size),
      stat('Hits', 'reads that found a live entry', (s) => s.hits),
      stat('Misses', 'reads that found nothing or an expired entry', (s) => s.misses),
      stat('Evictions', 'entries dropped to stay within MaxObjects', (s) => s.evictions),
      stat('Expirations', 'entries dropped for MaxLifeSeconds, IdleTime or MaxMemoryIdleTimeSeconds', (s) => s.expirations),
      stat('InvalidationsSent', 'invalidations sent to other nodes', (s) => s.invalidationsSent),
      stat('InvalidationsReceived', 'invalidations from other nodes applied here', (s) => s.invalidationsReceived),
      stat('GapClears', 'clears because invalidations may have been missed', (s) => s.gapClears),
      { name: 'MaxObjects', type: 'int', description: 'cacheattributes.MaxObjects', get: () => region.settings.maxObjects },
      { name: 'Distributed', type: 'boolean', description: 'invalidated cluster-wide (jcs.region.<name>=LTCP)', get: () => region.settings.distributed },
    ],
    operations: [
      { name: 'clear', description: 'removes every entry (on every node for a distributed region)', params: [], returnType: 'void', invoke: () => region.clear() },
      {
        name: 'remove',
        description: 'removes one key (on every node for a distributed region)',
        params: [{ name: 'key', type: 'java.lang.String' }],
        returnType: 'void',
        invoke: ([key]) => region.remove(String(key)),
      },
    ],
  };
}

/** One MBean per region that exists now (regions are created on first use), for management's MBEANS point. */
export function regionMBeans(service: Pick<JcsCacheService, 'all'>): Map<string, () => MBean> {
  return new Map(service.all().map((region) => [regionObjectName(region.name), () => regionMBean(region)]));
}
