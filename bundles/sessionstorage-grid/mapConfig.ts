import type { ConfigFile } from '../../core/config/configFiles.js';
import type { SessionsMapConfig } from './api.js';

const PREFIX = 'com.openexchange.hazelcast.configuration.map.';
const DEFAULT_MAP_NAME = 'sessions';
const PREFERRED_FILE = 'hazelcast/sessions.properties';

/**
 * Finds the sessions map among the per-file map configurations: the one named `sessions` or
 * `sessions-<n>` (OX versions its map name, e.g. `sessions-6`), preferring `hazelcast/sessions.properties`.
 * Returns the problems it met as text (for a warning) instead of throwing.
 */
export function findSessionsMap(files: readonly ConfigFile[]): { config: SessionsMapConfig; notes: string[] } {
  const notes: string[] = [];
  const candidates = files.filter((f) => {
    const name = f.get(`${PREFIX}name`)?.value.trim();
    return name !== undefined && (name === DEFAULT_MAP_NAME || name.startsWith(`${DEFAULT_MAP_NAME}-`));
  });
  if (candidates.length === 0) {
    notes.push(`no map named "${DEFAULT_MAP_NAME}" or "${DEFAULT_MAP_NAME}-*" in hazelcast/*.properties: using map "${DEFAULT_MAP_NAME}" with the grid's default map settings`);
    return { config: { name: DEFAULT_MAP_NAME, origin: 'default' }, notes };
  }
  const file = candidates.find((f) => f.path === PREFERRED_FILE) ?? candidates[0];
  if (candidates.length > 1) notes.push(`several session map configurations (${candidates.map((f) => f.path).join(', ')}): using ${file.path}`);
  const nameEntry = file.get(`${PREFIX}name`)!;
  const config: SessionsMapConfig = { name: nameEntry.value.trim(), origin: `${nameEntry.file}:${nameEntry.line}` };
  const idle = file.get(`${PREFIX}maxIdleSeconds`);
  if (idle) {
    const value = Number(idle.value.trim());
    if (Number.isInteger(value) && value >= 0) config.maxIdleSeconds = { value, origin: `${idle.file}:${idle.line}` };
    else notes.push(`${idle.file}:${idle.line} ${idle.key}: "${idle.value}" is not a whole number of seconds`);
  }
  return { config, notes };
}
