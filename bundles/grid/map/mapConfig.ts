import type { ConfigFiles } from '../../../core/config/configFiles.js';
import { MERGE_POLICIES, type MergePolicyName } from '../data/dataConfig.js';
import { minimumClusterSizeProblem } from '../data/splitBrainProtection.js';

/** One map's settings, as in OX's `hazelcast/sessions.properties`. */
export interface MapConfig {
  readonly name: string;
  readonly backupCount: number;
  readonly asyncBackupCount: number;
  readonly readBackupData: boolean;
  /** 0: never idle-evicted. */
  readonly maxIdleSeconds: number;
  /** 0: no default TTL. */
  readonly timeToLiveSeconds: number;
  /** Overrides `com.openexchange.hazelcast.merge.policy` for this map. */
  readonly mergePolicy?: MergePolicyName;
  /** Split-brain protection: data members this side needs for any operation; absent or 0: off. */
  readonly minimumClusterSize?: number;
}

/** Maps without a file: one sync backup, no async backup (Hazelcast's defaults). */
export function defaultMapConfig(name: string): MapConfig {
  return { name, backupCount: 1, asyncBackupCount: 0, readBackupData: false, maxIdleSeconds: 0, timeToLiveSeconds: 0 };
}

/** Hazelcast allows at most 6 backups in total. */
export const MAX_BACKUPS = 6;

const PREFIX = 'com.openexchange.hazelcast.configuration.map.';
/** Keys OX writes that oxkernel accepts but does not act on (no query engine, so no indexes). */
const ACCEPTED_IGNORED = new Set(['indexes.attributes', 'indexes.ordered']);

/**
 * Reads one map configuration per `hazelcast/*.properties` file that has
 * `com.openexchange.hazelcast.configuration.map.*` keys. A bad value throws with `file:line key: reason`;
 * an unknown key is a warning with `file:line`.
 */
export function readMapConfigs(files: ConfigFiles, warn: (message: string) => void): Map<string, MapConfig> {
  const configs = new Map<string, MapConfig>();
  for (const file of files.under('hazelcast/')) {
    const entries = file.entries.filter((e) => e.key.startsWith(PREFIX));
    if (entries.length === 0) continue;
    const nameEntry = file.get(`${PREFIX}name`);
    if (!nameEntry || nameEntry.value.trim() === '') {
      warn(`${file.path}: map settings without ${PREFIX}name are ignored`);
      continue;
    }
    const name = nameEntry.value.trim();
    const bad = (key: string, reason: string): never => {
      const e = file.get(key);
      throw new Error(`${file.path}:${e?.line ?? 0} ${key}: ${reason}`);
    };
    const int = (suffix: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number => {
      const e = file.get(PREFIX + suffix);
      if (!e) return dflt;
      const text = e.value.trim();
      if (!/^\d+$/.test(text)) bad(e.key, `must be a non-negative integer, got "${e.value}"`);
      const n = Number(text);
      if (n > max) {
        warn(`${file.path}:${e.line} ${e.key}: ${n} is more than ${max}; using ${max}`);
        return max;
      }
      return n;
    };
    const bool = (suffix: string, dflt: boolean): boolean => {
      const e = file.get(PREFIX + suffix);
      if (!e) return dflt;
      const text = e.value.trim().toLowerCase();
      if (text !== 'true' && text !== 'false') bad(e.key, `must be true or false, got "${e.value}"`);
      return text === 'true';
    };
    for (const e of entries) {
      const suffix = e.key.slice(PREFIX.length);
      if (!KNOWN.has(suffix) && !ACCEPTED_IGNORED.has(suffix)) {
        warn(`${e.file}:${e.line} unknown map property ${e.key} (map ${name}) is ignored`);
      }
    }
    const policyEntry = file.get(`${PREFIX}mergePolicy`);
    const policy = policyEntry?.value.trim();
    if (policy !== undefined && !(MERGE_POLICIES as readonly string[]).includes(policy)) {
      bad(`${PREFIX}mergePolicy`, `must be one of ${MERGE_POLICIES.join(', ')}, got "${policy}"`);
    }
    const backupCount = int('backupCount', 1, MAX_BACKUPS);
    const protection = file.get(`${PREFIX}splitBrainProtection.minimumClusterSize`);
    const protectionProblem = protection && minimumClusterSizeProblem(protection.value);
    if (protectionProblem) bad(protection.key, protectionProblem);
    const minimumClusterSize = protection ? Number(protection.value.trim()) : 0;
    const config: MapConfig = {
      name,
      backupCount,
      asyncBackupCount: int('asyncBackupCount', 0, MAX_BACKUPS - backupCount),
      readBackupData: bool('readBackupData', false),
      maxIdleSeconds: int('maxIdleSeconds', 0),
      timeToLiveSeconds: int('timeToLiveSeconds', 0),
      ...(minimumClusterSize > 0 ? { minimumClusterSize } : {}),
      ...(policy ? { mergePolicy: policy as MergePolicyName } : {}),
    };
    if (configs.has(name)) warn(`${file.path}:${nameEntry.line} map ${name} is configured twice; this file wins`);
    configs.set(name, config);
  }
  return configs;
}

const KNOWN = new Set(['name', 'backupCount', 'asyncBackupCount', 'readBackupData', 'maxIdleSeconds', 'timeToLiveSeconds', 'mergePolicy', 'splitBrainProtection.minimumClusterSize']);
