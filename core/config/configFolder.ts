import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigEntry, ConfigFile, ConfigFiles } from './configFiles.js';
import { PropertiesFile } from './propertiesFile.js';

/** The config folder read once: every file, and one merged namespace of global properties. */
export class ConfigFolder implements ConfigFiles {
  private readonly files: PropertiesFile[];
  /** Global properties, last file wins; `--set` overrides are added by `withOverrides`. */
  readonly values = new Map<string, ConfigEntry>();
  /** `file:line key: reason` for entries no file could read (a malformed escape). */
  readonly problems: readonly string[];

  private readonly overrides: [string, string][] = [];

  /** `perFileKeys`: key prefixes bundles declare as one item per file; those keys stay in their files. */
  constructor(readonly dir: string, files: PropertiesFile[], private readonly perFileKeys: readonly string[] = []) {
    this.files = files;
    this.problems = files.flatMap((f) => f.problems);
    for (const file of files) {
      if (!file.path.endsWith('.properties')) continue;
      for (const entry of file.entries) {
        if (!perFileKeys.some((p) => entry.key.startsWith(p))) this.values.set(entry.key, entry);
      }
    }
  }

  /** The same files with keys under `prefixes` kept out of the global namespace (the manifests' `perFileKeys`). */
  withPerFileKeys(prefixes: readonly string[]): ConfigFolder {
    return new ConfigFolder(this.dir, this.files, prefixes).withOverrides(this.overrides);
  }

  /** Reads `*.properties` and `*.ccf` of `dir` and `*.properties` of its subfolders (the grid's `hazelcast/`), in name order. */
  static load(dir: string): ConfigFolder {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`config folder ${dir} does not exist`);
    const pick = (sub: string, endings: string[]) => {
      const abs = join(dir, sub);
      if (!existsSync(abs)) return [];
      return readdirSync(abs)
        .filter((f) => endings.some((e) => f.endsWith(e)))
        .sort()
        .map((f) => PropertiesFile.read(join(abs, f), sub ? `${sub}/${f}` : f));
    };
    const subfolders = readdirSync(dir).sort().filter((f) => statSync(join(dir, f)).isDirectory());
    return new ConfigFolder(dir, [...pick('', ['.properties', '.ccf']), ...subfolders.flatMap((sub) => pick(sub, ['.properties']))]);
  }

  /** Applies `--set key=value` overrides (they win over every file). */
  withOverrides(overrides: readonly [string, string][]): this {
    for (const [key, value] of overrides) this.values.set(key, { key, value, file: '--set', line: 0 });
    this.overrides.push(...overrides);
    return this;
  }

  list(): readonly ConfigFile[] {
    return this.files;
  }

  file(path: string): ConfigFile | undefined {
    return this.files.find((f) => f.path === path);
  }

  under(folder: string): readonly ConfigFile[] {
    const prefix = folder.endsWith('/') ? folder : `${folder}/`;
    return this.files.filter((f) => f.path.startsWith(prefix));
  }
}

/** `file:line` for messages; `--set` for command-line overrides. */
export function where(entry: ConfigEntry): string {
  return entry.line > 0 ? `${entry.file}:${entry.line}` : entry.file;
}
