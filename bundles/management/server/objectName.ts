import { MalformedObjectNameError } from './jmxErrors.js';

/**
 * A JMX ObjectName: `domain:key=value,...`, parsed and formatted by the rules of
 * `javax.management.ObjectName` (quoted values, `*`/`?` wildcards in the domain and in values,
 * property-list patterns ending in `,*`, canonical form with keys sorted).
 */
export class ObjectName {
  private constructor(
    readonly domain: string,
    /** Key properties in the order written; values as written (quoted values keep their quotes). */
    readonly properties: ReadonlyMap<string, string>,
    readonly propertyListPattern: boolean,
  ) {}

  static parse(text: string): ObjectName {
    if (typeof text !== 'string' || text.length === 0) throw new MalformedObjectNameError(String(text), 'empty name');
    if (text.includes('\n')) throw new MalformedObjectNameError(text, 'newline not allowed');
    const colon = text.indexOf(':');
    if (colon < 0) throw new MalformedObjectNameError(text, "missing ':' after the domain");
    const domain = text.slice(0, colon);
    const rest = text.slice(colon + 1);
    if (rest.length === 0) throw new MalformedObjectNameError(text, 'key properties cannot be empty');
    const properties = new Map<string, string>();
    let listPattern = false;
    let i = 0;
    while (i < rest.length) {
      if (rest[i] === '*' && (i + 1 === rest.length || rest[i + 1] === ',')) {
        if (listPattern) throw new MalformedObjectNameError(text, "'*' may appear only once in the key properties");
        listPattern = true;
        i += 1;
      } else {
        const eq = rest.indexOf('=', i);
        if (eq < 0) throw new MalformedObjectNameError(text, `key property without '=' at offset ${colon + 1 + i}`);
        const key = rest.slice(i, eq);
        if (key.length === 0) throw new MalformedObjectNameError(text, 'empty key');
        if (/[:,*?=]/.test(key)) throw new MalformedObjectNameError(text, `invalid character in key '${key}'`);
        if (properties.has(key)) throw new MalformedObjectNameError(text, `duplicate key '${key}'`);
        const [value, end] = readValue(text, rest, eq + 1, colon + 1);
        properties.set(key, value);
        i = end;
      }
      if (i < rest.length) {
        if (rest[i] !== ',') throw new MalformedObjectNameError(text, `expected ',' at offset ${colon + 1 + i}`);
        i += 1;
        if (i === rest.length) throw new MalformedObjectNameError(text, 'trailing comma');
      }
    }
    return new ObjectName(domain, properties, listPattern);
  }

  /** Parses or returns undefined for a malformed name. */
  static tryParse(text: string): ObjectName | undefined {
    try {
      return ObjectName.parse(text);
    } catch {
      return undefined;
    }
  }

  /** Quotes a value so that it may contain any character (`ObjectName.quote`). */
  static quote(value: string): string {
    return `"${value.replace(/[\\"*?]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
  }

  /** A value as it may stand in a name: unchanged when it is safe unquoted, quoted otherwise. */
  static value(value: string): string {
    return value.length > 0 && !/[:=,"*?\n\\]/.test(value) ? value : ObjectName.quote(value);
  }

  /** Reverses `quote`; a value that is not quoted comes back unchanged. */
  static unquote(value: string): string {
    if (!isQuoted(value)) return value;
    return value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }

  get domainPattern(): boolean {
    return /[*?]/.test(this.domain);
  }

  get propertyValuePattern(): boolean {
    return [...this.properties.values()].some(valueIsPattern);
  }

  get isPattern(): boolean {
    return this.domainPattern || this.propertyListPattern || this.propertyValuePattern;
  }

  /** The key property, as written (quoted values keep their quotes). */
  getKeyProperty(key: string): string | undefined {
    return this.properties.get(key);
  }

  /** Key properties in the order written, e.g. `type=IMap,name=sessions`. */
  get keyPropertyListString(): string {
    return [...this.properties].map(([k, v]) => `${k}=${v}`).join(',');
  }

  /** Key properties sorted lexicographically by key. */
  get canonicalKeyPropertyListString(): string {
    return [...this.properties].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(',');
  }

  /** `domain:` + sorted keys, with `,*` (or `*`) for a property-list pattern. */
  get canonicalName(): string {
    const keys = this.canonicalKeyPropertyListString;
    const tail = this.propertyListPattern ? (keys ? `${keys},*` : '*') : keys;
    return `${this.domain}:${tail}`;
  }

  toString(): string {
    const keys = this.keyPropertyListString;
    const tail = this.propertyListPattern ? (keys ? `${keys},*` : '*') : keys;
    return `${this.domain}:${tail}`;
  }

  /** True when this name (a pattern or not) matches `name`, which must not be a pattern. */
  matches(name: ObjectName): boolean {
    if (!wildcardMatch(this.domain, name.domain)) return false;
    if (!this.propertyListPattern && this.properties.size !== name.properties.size) return false;
    for (const [key, value] of this.properties) {
      const other = name.properties.get(key);
      if (other === undefined) return false;
      if (valueIsPattern(value) ? !wildcardMatch(value, other) : value !== other) return false;
    }
    return true;
  }
}

function isQuoted(value: string): boolean {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"');
}

/** An unescaped `*` or `?` makes a value a pattern (inside quotes too). */
function valueIsPattern(value: string): boolean {
  if (!isQuoted(value)) return /[*?]/.test(value);
  for (let i = 1; i < value.length - 1; i++) {
    if (value[i] === '\\') i += 1;
    else if (value[i] === '*' || value[i] === '?') return true;
  }
  return false;
}

/** Reads a value starting at `start`; returns it (as written) and the offset after it. */
function readValue(text: string, rest: string, start: number, base: number): [string, number] {
  if (rest[start] === '"') {
    let i = start + 1;
    for (; i < rest.length; i++) {
      const c = rest[i];
      if (c === '\\') {
        if (!'"\\*?n'.includes(rest[i + 1] ?? '')) {
          throw new MalformedObjectNameError(text, `invalid escape in quoted value at offset ${base + i}`);
        }
        i += 1;
      } else if (c === '"') break;
    }
    if (i >= rest.length) throw new MalformedObjectNameError(text, 'unterminated quoted value');
    const end = i + 1;
    if (end < rest.length && rest[end] !== ',') throw new MalformedObjectNameError(text, `characters after a quoted value at offset ${base + end}`);
    return [rest.slice(start, end), end];
  }
  let end = rest.indexOf(',', start);
  if (end < 0) end = rest.length;
  const value = rest.slice(start, end);
  if (value.length === 0) throw new MalformedObjectNameError(text, `empty value at offset ${base + start}`);
  if (/[:="\n]/.test(value)) throw new MalformedObjectNameError(text, `invalid character in value '${value}'`);
  return [value, end];
}

/** `*` matches any sequence, `?` one character; `\` escapes inside quoted patterns. */
function wildcardMatch(pattern: string, text: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && isQuoted(pattern) && i + 1 < pattern.length - 1) {
      source += escapeRegex(pattern.slice(i, i + 2));
      i += 1;
    } else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`).test(text);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
