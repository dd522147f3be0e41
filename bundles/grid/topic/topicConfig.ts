import type { ConfigFiles } from '../../../core/config/configFiles.js';
import { minimumClusterSizeProblem } from '../data/splitBrainProtection.js';

/** One reliable topic's settings from a `hazelcast/*.properties` file (the same style as a map's). */
export interface TopicConfig {
  readonly name: string;
  /** Split-brain protection: data members this side needs for a publish; 0 when the key is not set (off). */
  readonly minimumClusterSize: number;
}

const PREFIX = 'com.openexchange.hazelcast.configuration.topic.';
const KNOWN = new Set(['name', 'splitBrainProtection.minimumClusterSize']);

/**
 * Reads one topic configuration per `hazelcast/*.properties` file that has
 * `com.openexchange.hazelcast.configuration.topic.*` keys (global topic settings such as the ring
 * capacity stay properties of the grid). A bad value throws with `file:line key: reason`; an
 * unknown key is a warning with `file:line`.
 */
export function readTopicConfigs(files: ConfigFiles, warn: (message: string) => void): Map<string, TopicConfig> {
  const configs = new Map<string, TopicConfig>();
  for (const file of files.under('hazelcast/')) {
    const entries = file.entries.filter((e) => e.key.startsWith(PREFIX));
    if (entries.length === 0) continue;
    const nameEntry = file.get(`${PREFIX}name`);
    if (!nameEntry || nameEntry.value.trim() === '') {
      warn(`${file.path}: topic settings without ${PREFIX}name are ignored`);
      continue;
    }
    const name = nameEntry.value.trim();
    for (const e of entries) {
      if (!KNOWN.has(e.key.slice(PREFIX.length))) warn(`${e.file}:${e.line} unknown topic property ${e.key} (topic ${name}) is ignored`);
    }
    const size = file.get(`${PREFIX}splitBrainProtection.minimumClusterSize`);
    const problem = size && minimumClusterSizeProblem(size.value);
    if (problem) throw new Error(`${file.path}:${size.line} ${size.key}: ${problem}`);
    if (configs.has(name)) warn(`${file.path}:${nameEntry.line} topic ${name} is configured twice; this file wins`);
    configs.set(name, { name, minimumClusterSize: size ? Number(size.value.trim()) : 0 });
  }
  return configs;
}
