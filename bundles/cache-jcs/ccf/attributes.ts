import type { RegionSettings } from '../api.js';
import { readBoolean, readHostPortList, readInt, readPort, type HostPort } from './values.js';

/** The settings of a lateral TCP auxiliary (`jcs.auxiliary.<name>.attributes.*`). */
export interface LateralSettings {
  name: string;
  tcpServers: HostPort[];
  tcpListenerPort: number;
  udpDiscoveryEnabled: boolean;
  udpDiscoveryAddr: string;
  udpDiscoveryPort: number;
  /** False: send-only, no listener. */
  receive: boolean;
  issueRemoveOnPut: boolean;
  openTimeoutMs: number;
}

type RegionField = Exclude<keyof RegionSettings, 'name' | 'auxiliaries' | 'distributed'>;
type LateralField = Exclude<keyof LateralSettings, 'name'>;
type Reader = (value: string) => number | boolean | string | HostPort[];

/** Apache JCS's built-in defaults, used where neither the region nor `jcs.default` sets a value. */
export const JCS_REGION_DEFAULTS: Omit<RegionSettings, 'name' | 'auxiliaries' | 'distributed'> = {
  maxObjects: 100,
  useMemoryShrinker: false,
  maxMemoryIdleTimeSeconds: 7200,
  shrinkerIntervalSeconds: 30,
  maxSpoolPerRun: -1,
  isEternal: true,
  maxLifeSeconds: -1,
  idleTimeSeconds: -1,
};

/** Apache JCS's defaults of TCPLateralCacheAttributes. */
export const JCS_LATERAL_DEFAULTS: Omit<LateralSettings, 'name'> = {
  tcpServers: [],
  tcpListenerPort: 0,
  udpDiscoveryEnabled: true,
  udpDiscoveryAddr: '228.5.6.7',
  udpDiscoveryPort: 6789,
  receive: true,
  issueRemoveOnPut: false,
  openTimeoutMs: 2000,
};

/** Keys are lower-cased: JCS's property setter accepts `MaxObjects` and `maxObjects` alike. */
export const CACHE_ATTRIBUTES: Record<string, [RegionField, Reader]> = {
  maxobjects: ['maxObjects', (v) => readInt(v, 0)],
  usememoryshrinker: ['useMemoryShrinker', readBoolean],
  maxmemoryidletimeseconds: ['maxMemoryIdleTimeSeconds', (v) => readInt(v)],
  shrinkerintervalseconds: ['shrinkerIntervalSeconds', (v) => readInt(v, 1)],
  maxspoolperrun: ['maxSpoolPerRun', (v) => readInt(v)],
};

export const ELEMENT_ATTRIBUTES: Record<string, [RegionField, Reader]> = {
  iseternal: ['isEternal', readBoolean],
  maxlifeseconds: ['maxLifeSeconds', (v) => readInt(v)],
  idletime: ['idleTimeSeconds', (v) => readInt(v)],
};

export const LATERAL_ATTRIBUTES: Record<string, [LateralField, Reader]> = {
  tcpservers: ['tcpServers', readHostPortList],
  tcpserver: ['tcpServers', readHostPortList],
  tcplistenerport: ['tcpListenerPort', readPort],
  udpdiscoveryenabled: ['udpDiscoveryEnabled', readBoolean],
  udpdiscoveryaddr: ['udpDiscoveryAddr', (v) => v.trim()],
  udpdiscoveryport: ['udpDiscoveryPort', readPort],
  receive: ['receive', readBoolean],
  issueremoveonput: ['issueRemoveOnPut', readBoolean],
  opentimeout: ['openTimeoutMs', (v) => readInt(v, 1)],
};

/** Real JCS attributes that have no effect here (no disk or remote auxiliaries, no spooling): accepted silently. */
export const CACHE_ATTRIBUTES_WITHOUT_EFFECT = new Set(['memorycachename', 'uselateral', 'useremote', 'usedisk', 'diskusagepatternname', 'spoolchunksize', 'cachename']);
export const ELEMENT_ATTRIBUTES_WITHOUT_EFFECT = new Set(['isspool', 'isremote', 'islateral', 'size']);
export const LATERAL_ATTRIBUTES_WITHOUT_EFFECT = new Set(['allowget', 'filterremovebyhashcode', 'sockettimeout', 'allowput', 'eventqueuetype', 'eventqueuepoolname', 'transmissiontypename']);

/** The only memory cache implemented (JCS's LRUMemoryCache, by full or short class name). */
export function isLruMemoryCache(className: string): boolean {
  return /(^|\.)LRUMemoryCache$/.test(className.trim());
}

/** The factory class of a lateral TCP auxiliary. */
export function isLateralTcpFactory(className: string): boolean {
  return /(^|\.)LateralTCPCacheFactory$/.test(className.trim());
}
