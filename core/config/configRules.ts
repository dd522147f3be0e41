import { closest } from 'fastest-levenshtein';
import type { Bundle, BundleConfig, ConfigSchema, RawProperties } from '../bundle.js';
import { usesDeps } from '../dependencies.js';
import type { ConfigEntry } from './configFiles.js';
import { where } from './configFolder.js';

/** Every declared key and alias, with the bundles that declare it. */
export function keyOwners(bundles: readonly Bundle[]): Map<string, Bundle[]> {
  const owners = new Map<string, Bundle[]>();
  for (const b of bundles) {
    for (const [key, spec] of Object.entries(b.config ?? {})) {
      for (const name of [key, ...(spec.aliases ?? [])]) owners.set(name, [...(owners.get(name) ?? []), b]);
    }
  }
  return owners;
}

/**
 * Each key has one owning bundle. A key declared twice is an error naming both; between two bundles
 * of the first manifest form it is a warning until they are converted (they predate the rule).
 */
export function duplicateKeys(owners: ReadonlyMap<string, readonly Bundle[]>): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [key, bundles] of owners) {
    if (bundles.length < 2) continue;
    const message = `property ${key} is declared by ${bundles.map((b) => `"${b.name}"`).join(' and ')}: a property has one owning bundle`;
    (bundles.some(usesDeps) ? problems : warnings).push(message);
  }
  return { problems, warnings };
}

/** A key prefix and who owns it, e.g. `bundle "grid"` for `com.openexchange.hazelcast.`. */
export interface Namespace {
  readonly prefix: string;
  readonly owner: string;
}

export function bundleNamespaces(bundles: readonly Bundle[]): Namespace[] {
  return bundles.flatMap((b) => (b.namespaces ?? []).map((prefix) => ({ prefix, owner: `bundle "${b.name}"` })));
}

/** Keys under a declared namespace that nobody declares, with `file:line` and the closest known key. */
export function unknownKeys(namespaces: readonly Namespace[], known: ReadonlySet<string>, values: ReadonlyMap<string, ConfigEntry>): string[] {
  const warnings: string[] = [];
  for (const [key, entry] of values) {
    if (known.has(key)) continue;
    const namespace = namespaces.find((n) => key.startsWith(n.prefix));
    if (!namespace) continue;
    const candidates = [...known].filter((k) => k.startsWith(namespace.prefix));
    const hint = candidates.length ? `; did you mean ${closest(key, candidates)}?` : '';
    warnings.push(`${where(entry)} ${key}: unknown property in the namespace of ${namespace.owner}${hint}`);
  }
  return warnings;
}

/** Runs a bundle's `validate` hook; a throw is a problem too. */
export function runValidate<S extends ConfigSchema>(bundle: Bundle<S>, config: BundleConfig<S>, raw: RawProperties): string[] {
  if (!bundle.validate) return [];
  try {
    return [...(bundle.validate(config, raw) ?? [])];
  } catch (err) {
    return [`bundle ${bundle.name}: validate() threw: ${(err as Error).message}`];
  }
}
