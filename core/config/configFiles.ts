/** One `key=value` entry of a config file, with where it was written. */
export interface ConfigEntry {
  readonly key: string;
  readonly value: string;
  /** Path relative to the config folder, e.g. `hazelcast/sessions.properties`. */
  readonly file: string;
  readonly line: number;
}

/** A parsed file of the config folder, in file order. */
export interface ConfigFile {
  /** Path relative to the config folder. */
  readonly path: string;
  readonly entries: readonly ConfigEntry[];
  /** Last value wins, as with java.util.Properties. */
  get(key: string): ConfigEntry | undefined;
}

/** Every parsed file of the config folder: `*.properties`, `hazelcast/*.properties`, `*.ccf`. */
export interface ConfigFiles {
  readonly dir: string;
  list(): readonly ConfigFile[];
  /** A file by relative path, e.g. `cache.ccf`. */
  file(path: string): ConfigFile | undefined;
  /** Files below a folder, e.g. `hazelcast/`. */
  under(folder: string): readonly ConfigFile[];
  /** The global properties as the node read them at start: last file wins, then `--set`. */
  readonly values: ReadonlyMap<string, ConfigEntry>;
}
