import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file/parser';
import { unescapeContent } from 'properties-file/unescape';
import type { ConfigEntry, ConfigFile } from './configFiles.js';

/** A parsed `.properties`-syntax file (java.util.Properties rules), entries in file order. */
export class PropertiesFile implements ConfigFile {
  private readonly byKey = new Map<string, ConfigEntry>();

  /** `problems`: `file:line key: reason` for entries that could not be read (they are left out of `entries`). */
  constructor(readonly path: string, readonly entries: readonly ConfigEntry[], readonly problems: readonly string[] = []) {
    for (const e of entries) this.byKey.set(e.key, e);
  }

  static parse(path: string, content: string | Buffer): PropertiesFile {
    const text = typeof content === 'string' ? content : content.toString('utf8');
    try {
      const props = new Properties(text);
      const entries = props.getProperties().map((p) => ({ key: p.key, value: p.value, file: path, line: p.startingLineNumber }));
      return new PropertiesFile(path, entries);
    } catch {
      // The parser rejects a malformed \u escape for the whole file, without saying where: find each one.
      return PropertiesFile.parseEntryByEntry(path, text);
    }
  }

  static read(absolutePath: string, relativePath: string): PropertiesFile {
    let content: Buffer;
    try {
      content = readFileSync(absolutePath);
    } catch (err) {
      return new PropertiesFile(relativePath, [], [`${relativePath}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
    }
    return PropertiesFile.parse(relativePath, content);
  }

  /**
   * Splits the file with every `u` replaced by a character it does not contain (so no `\u` escape can
   * fail and the line structure stays the same), then unescapes each entry's own key and value.
   */
  private static parseEntryByEntry(path: string, text: string): PropertiesFile {
    const stand = unusedCharacter(text);
    if (stand === undefined) return new PropertiesFile(path, [], [`${path}: a \\u escape is malformed (the file holds every character, so its entry cannot be told)`]);
    const restore = (s: string) => s.replaceAll(stand, 'u');
    const entries: ConfigEntry[] = [];
    const problems: string[] = [];
    for (const node of new Properties(text.replaceAll('u', stand)).getProperties()) {
      const rawKey = restore(node.escapedKey);
      try {
        const key = unescapeContent(rawKey);
        try {
          entries.push({ key, value: unescapeContent(restore(node.escapedValue)), file: path, line: node.startingLineNumber });
        } catch (err) {
          problems.push(`${path}:${node.startingLineNumber} ${key || '(empty key)'}: ${escapeReason(err)} in the value`);
        }
      } catch (err) {
        problems.push(`${path}:${node.startingLineNumber} ${rawKey}: ${escapeReason(err)} in the key`);
      }
    }
    return new PropertiesFile(path, entries, problems);
  }

  get(key: string): ConfigEntry | undefined {
    return this.byKey.get(key);
  }
}

/** A character that does not occur in `text` and means nothing to the parser (private use first). */
function unusedCharacter(text: string): string | undefined {
  const used = new Set(text);
  for (let code = 0xe000; code !== 0xd800; code = code === 0xfffd ? 0x100 : code + 1) {
    const c = String.fromCharCode(code);
    if (code !== 0xfeff && !used.has(c)) return c;
  }
  return undefined;
}

/** The parser's message in java.util.Properties' words: which escape, and what it needs. */
function escapeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const escape = /'(.*)'$/s.exec(message)?.[1];
  return escape === undefined ? message : `malformed \\uXXXX escape "${escape}" (\\u needs four hex digits)`;
}
