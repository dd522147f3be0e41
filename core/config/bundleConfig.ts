import convict from 'convict';
import type { BundleConfig, ConfigSchema, ConfigValues } from '../bundle.js';
import type { ConfigEntry } from './configFiles.js';
import { where } from './configFolder.js';
import { coerce, registerFormats } from './formats.js';

// convict nests on dots, but OX names are both leaves and parents (`network.join` and `network.join.static.nodes`).
const encode = (key: string) => key.replaceAll('.', '\u00b7');
const decode = (key: string) => key.replaceAll('\u00b7', '.');

export interface ConfigProblem {
  /** `file:line key: reason`. */
  message: string;
}

export interface ResolvedBundleConfig<S extends ConfigSchema> {
  config: BundleConfig<S>;
  problems: ConfigProblem[];
  /** Informational lines, e.g. which of two aliased names won. */
  notes: string[];
}

/** The entry that sets `key` under its name or one of its aliases; the last one read wins. */
function pickEntry(key: string, aliases: string[], values: ReadonlyMap<string, ConfigEntry>, notes: string[]): ConfigEntry | undefined {
  const found = [key, ...aliases].map((k) => values.get(k)).filter((e): e is ConfigEntry => e !== undefined);
  if (found.length <= 1) return found[0];
  const order = [...values.keys()];
  found.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  const winner = found[found.length - 1];
  notes.push(`${found.map((e) => `${e.key} (${where(e)})`).join(' and ')} are both set; using ${winner.key}=${winner.value}`);
  return winner;
}

/** Validates one bundle's properties against its schema; every problem is reported, none thrown. */
export function resolveBundleConfig<S extends ConfigSchema>(schema: S, values: ReadonlyMap<string, ConfigEntry>): ResolvedBundleConfig<S> {
  registerFormats();
  const notes: string[] = [];
  const convictSchema: Record<string, { doc: string; format: unknown; default: unknown; sensitive?: boolean }> = {};
  const loaded: Record<string, unknown> = {};
  const booleanProblems: ConfigProblem[] = [];
  const origins = new Map<string, string>();
  for (const [key, spec] of Object.entries(schema)) {
    convictSchema[encode(key)] = { doc: spec.doc, format: spec.format, default: spec.default, sensitive: spec.sensitive };
    const entry = pickEntry(key, spec.aliases ?? [], values, notes);
    origins.set(key, entry ? where(entry) : 'default');
    if (!entry) continue;
    const value = coerce(spec.format, entry.value);
    // convict would read any string as a boolean, so booleans are checked here.
    if (spec.format === 'Boolean' && typeof value !== 'boolean') booleanProblems.push({ message: `${where(entry)} ${key}: must be true or false (value "${entry.value}")` });
    else loaded[encode(key)] = value;
  }
  const conf = convict(convictSchema as convict.Schema<Record<string, unknown>>);
  conf.load(loaded);
  const problems: ConfigProblem[] = [...booleanProblems];
  try {
    conf.validate({ allowed: 'warn' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) {
      const sep = line.indexOf(': ');
      const key = decode(line.slice(0, sep));
      const reason = line.slice(sep + 2).replace(/: value was .*$/, '');
      const origin = origins.get(key) ?? 'default';
      const shown = schema[key]?.sensitive ? '' : ` (value "${String(loaded[encode(key)] ?? '')}")`;
      problems.push({ message: `${origin} ${key}: ${reason}${shown}` });
    }
  }
  const config: BundleConfig<S> = {
    get: <K extends keyof S & string>(key: K) => {
      if (!(key in schema)) throw new Error(`property ${key} is not declared in this bundle's schema`);
      return conf.get(encode(key) as never) as ConfigValues<S>[K];
    },
    origin: (key) => origins.get(key) ?? 'default',
  };
  return { config, problems, notes };
}
