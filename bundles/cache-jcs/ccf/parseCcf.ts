import type { ConfigEntry, ConfigFile } from '../../../core/config/configFiles.js';
import type { RegionSettings } from '../api.js';
import {
  CACHE_ATTRIBUTES, CACHE_ATTRIBUTES_WITHOUT_EFFECT, ELEMENT_ATTRIBUTES, ELEMENT_ATTRIBUTES_WITHOUT_EFFECT,
  JCS_LATERAL_DEFAULTS, JCS_REGION_DEFAULTS, LATERAL_ATTRIBUTES, LATERAL_ATTRIBUTES_WITHOUT_EFFECT,
  isLateralTcpFactory, isLruMemoryCache, type LateralSettings,
} from './attributes.js';
import { readNameList } from './values.js';

/** What cache.ccf configures. */
export interface CcfModel {
  /** `jcs.default` resolved over JCS's built-in defaults; used for regions not in the file. */
  defaults: RegionSettings;
  regions: Map<string, RegionSettings>;
  /** The lateral TCP auxiliary (the first, when several are defined). */
  lateral: LateralSettings | undefined;
  /** `file:line key: reason` for lines that were accepted but ignored. */
  warnings: string[];
}

/** One or more `file:line key: reason` problems that make the file unusable. */
export class CcfError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CcfError';
  }
}

interface RegionScope {
  auxiliaries?: { names: string[]; entry: ConfigEntry };
  values: Partial<RegionSettings>;
}

interface AuxiliaryScope {
  factory?: ConfigEntry;
  values: Partial<LateralSettings>;
  firstEntry: ConfigEntry;
}

const DEFAULT_SCOPE = '\0default';

/** The table's own entry only: `constructor` is an unknown attribute, not Object's constructor. */
function attributeSpec<T>(table: Record<string, T>, attr: string): T | undefined {
  return Object.hasOwn(table, attr) ? table[attr] : undefined;
}

function where(e: ConfigEntry): string {
  return `${e.file}:${e.line} ${e.key}`;
}

/** Parses cache.ccf (Apache JCS's configuration); throws `CcfError` listing every malformed line. */
export function parseCcf(file: ConfigFile): CcfModel {
  const errors: string[] = [];
  const warnings: string[] = [];
  const regions = new Map<string, RegionScope>();
  const auxiliaries = new Map<string, AuxiliaryScope>();
  const regionScope = (name: string) => regions.get(name) ?? regions.set(name, { values: {} }).get(name)!;

  const assign = (e: ConfigEntry, target: Record<string, unknown>, spec: [string, (v: string) => unknown] | undefined, kind: string, silent: Set<string>, attr: string) => {
    if (spec) {
      try {
        target[spec[0]] = spec[1](e.value);
      } catch (err) {
        errors.push(`${where(e)}: ${(err as Error).message}`);
      }
    } else if (attr === 'memorycachename' && !isLruMemoryCache(e.value)) {
      warnings.push(`${where(e)}: only LRUMemoryCache is implemented; "${e.value}" is treated as LRU`);
    } else if (!silent.has(attr)) {
      warnings.push(`${where(e)}: unknown ${kind} attribute "${e.key.slice(e.key.lastIndexOf('.') + 1)}" (ignored)`);
    }
  };

  const regionLine = (e: ConfigEntry, scope: RegionScope, group: string | undefined, attr: string | undefined) => {
    if (group === undefined) {
      try {
        scope.auxiliaries = { names: readNameList(e.value), entry: e };
      } catch (err) {
        errors.push(`${where(e)}: ${(err as Error).message}`);
      }
    } else if (attr !== undefined) {
      const isCache = group === 'cacheattributes';
      const key = attr.toLowerCase();
      assign(e, scope.values, attributeSpec(isCache ? CACHE_ATTRIBUTES : ELEMENT_ATTRIBUTES, key), isCache ? 'cache' : 'element', isCache ? CACHE_ATTRIBUTES_WITHOUT_EFFECT : ELEMENT_ATTRIBUTES_WITHOUT_EFFECT, key);
    }
  };

  for (const e of file.entries) {
    let m: RegExpExecArray | null;
    if ((m = /^jcs\.default(?:\.(cacheattributes|elementattributes)(?:\.([A-Za-z]\w*))?)?$/.exec(e.key))) {
      regionLine(e, regionScope(DEFAULT_SCOPE), m[1], m[2]);
    } else if ((m = /^jcs\.region\.(.+?)\.(cacheattributes|elementattributes)(?:\.([A-Za-z]\w*))?$/.exec(e.key))) {
      regionLine(e, regionScope(m[1]!), m[2], m[3]);
    } else if ((m = /^jcs\.region\.(?!.*\.(?:cache|element)attributes(?:\.|$))([^\s.][^\s]*[^\s.]|[^\s.])$/.exec(e.key))) {
      regionLine(e, regionScope(m[1]!), undefined, undefined);
    } else if ((m = /^jcs\.auxiliary\.([A-Za-z0-9_-]+)(\.attributes(?:\.([A-Za-z]\w*))?)?$/.exec(e.key))) {
      const aux = auxiliaries.get(m[1]!) ?? auxiliaries.set(m[1]!, { values: {}, firstEntry: e }).get(m[1]!)!;
      if (m[2] === undefined) aux.factory = e;
      else if (m[3] !== undefined) assign(e, aux.values, attributeSpec(LATERAL_ATTRIBUTES, m[3].toLowerCase()), 'auxiliary', LATERAL_ATTRIBUTES_WITHOUT_EFFECT, m[3].toLowerCase());
    } else if (/^jcs\.system\./.test(e.key)) {
      warnings.push(`${where(e)}: JCS system regions are not used (ignored)`);
    } else {
      errors.push(`${where(e)}: malformed cache.ccf line: expected jcs.default[...], jcs.region.<name>[...] or jcs.auxiliary.<name>[...]`);
    }
  }

  const lateralNames: string[] = [];
  for (const [name, aux] of auxiliaries) {
    if (!aux.factory) {
      warnings.push(`${where(aux.firstEntry)}: attributes for auxiliary ${name}, which is not defined by jcs.auxiliary.${name} (ignored)`);
    } else if (isLateralTcpFactory(aux.factory.value)) {
      lateralNames.push(name);
    } else {
      warnings.push(`${where(aux.factory)}: auxiliary ${name} (${aux.factory.value}) is not implemented; regions naming it stay local`);
    }
  }
  if (lateralNames.length > 1) {
    warnings.push(`${where(auxiliaries.get(lateralNames[1]!)!.factory!)}: only one lateral TCP auxiliary is supported; ${lateralNames[0]} is used for every lateral region`);
  }

  const resolve = (name: string, scope: RegionScope | undefined, base: Omit<RegionSettings, 'name'>): RegionSettings => {
    const own = scope?.auxiliaries;
    for (const aux of own?.names ?? []) {
      if (!auxiliaries.get(aux)?.factory) {
        errors.push(`${where(own!.entry)}: region ${name} names unknown auxiliary ${aux} (no jcs.auxiliary.${aux} in ${file.path})`);
      }
    }
    const names = own?.names ?? base.auxiliaries;
    return { ...base, ...scope?.values, name, auxiliaries: names, distributed: names.some((a) => lateralNames.includes(a)) };
  };

  const defaults = resolve('default', regions.get(DEFAULT_SCOPE), { ...JCS_REGION_DEFAULTS, auxiliaries: [], distributed: false });
  const resolved = new Map<string, RegionSettings>();
  for (const [name, scope] of regions) {
    if (name !== DEFAULT_SCOPE) resolved.set(name, resolve(name, scope, defaults));
  }
  if (errors.length > 0) throw new CcfError(errors);

  const lateralName = lateralNames[0];
  const lateral = lateralName === undefined ? undefined : { ...JCS_LATERAL_DEFAULTS, ...auxiliaries.get(lateralName)!.values, name: lateralName };
  return { defaults, regions: resolved, lateral, warnings };
}

/** The model without a cache.ccf: JCS's built-in defaults, no auxiliaries. */
export function emptyCcfModel(): CcfModel {
  return { defaults: { ...JCS_REGION_DEFAULTS, name: 'default', auxiliaries: [], distributed: false }, regions: new Map(), lateral: undefined, warnings: [] };
}
