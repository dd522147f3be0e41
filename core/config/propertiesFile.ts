import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file/parser';
import type { ConfigEntry, ConfigFile } from './configFiles.js';

/** A parsed `.properties`-syntax file (java.util.Properties rules), entries in file order. */
export class PropertiesFile implements ConfigFile {
  private readonly byKey = new Map<string, ConfigEntry>();

  constructor(readonly path: string, readonly entries: readonly ConfigEntry[]) {
    for (const e of entries) this.byKey.set(e.key, e);
  }

  static parse(path: string, text: string | Buffer): PropertiesFile {
    const props = new Properties(text);
    const entries = props.getProperties().map((p) => ({ key: p.key, value: p.value, file: path, line: p.startingLineNumber }));
    return new PropertiesFile(path, entries);
  }

  static read(absolutePath: string, relativePath: string): PropertiesFile {
    return PropertiesFile.parse(relativePath, readFileSync(absolutePath));
  }

  get(key: string): ConfigEntry | undefined {
    return this.byKey.get(key);
  }
}
