import type { MBean, MBeanServer } from '../../management/api.js';
import type { Region } from '../region/region.js';

/** JMX quoting of an ObjectName value when it holds characters with a meaning there. */
function quoteValue(value: string): string {
  return /[,=:"*?\\\n]/.test(value) ? `"${value.replace(/[\\"*?]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"` : value;
}

export function regionObjectName(region: string): string {
  return `com.openexchange.caching:type=Cache,name=${quoteValue(region)}`;
}

function regionMBean(region: Region): MBean {
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

/** Registers the region's MBean; returns the function that unregisters it. */
export function registerRegionMBean(server: Pick<MBeanServer, 'register' | 'unregister' | 'isRegistered'>, region: Region): () => void {
  const name = regionObjectName(region.name);
  if (server.isRegistered(name)) server.unregister(name);
  server.register(name, regionMBean(region));
  return () => {
    if (server.isRegistered(name)) server.unregister(name);
  };
}
