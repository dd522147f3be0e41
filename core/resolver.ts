import type { Bundle } from './bundle.js';
import { optionalTokens, requiredTokens } from './dependencies.js';

export interface Resolution {
  /** Bundles to start, in dependency order. */
  order: Bundle[];
  /** Bundles that cannot start, with the reason (missing service, cycle, disabled dependency). */
  unresolved: Map<string, string>;
}

/**
 * Orders enabled bundles so each starts after the providers of what it requires (required and
 * available optional services). Missing required services and cycles are reported by name.
 */
export function resolve(bundles: readonly Bundle[], disabled: ReadonlySet<string> = new Set()): Resolution {
  const unresolved = new Map<string, string>();
  const candidates = bundles.filter((b) => !disabled.has(b.name));
  const providerOf = (service: symbol, among: readonly Bundle[]) => among.find((b) => b.provides?.some((t) => t.key === service));

  // A service has one provider: every bundle offering an already-offered token is a resolution error.
  for (const b of candidates) {
    for (const t of b.provides ?? []) {
      const others = candidates.filter((o) => o !== b && o.provides?.some((p) => p.key === t.key));
      if (others.length) unresolved.set(b.name, `service "${t.name}" is provided by ${[b, ...others].map((o) => `"${o.name}"`).join(' and ')}: a service has one provider`);
    }
  }

  // Drop bundles whose required services nobody (still) provides, until nothing changes.
  let live = candidates.filter((b) => !unresolved.has(b.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of live) {
      const missing = requiredTokens(b).filter((t) => !providerOf(t.key, live));
      if (missing.length === 0) continue;
      const why = missing.map((t) => {
        const disabledProvider = bundles.find((o) => disabled.has(o.name) && o.provides?.some((p) => p.key === t.key));
        if (disabledProvider) return `requires service "${t.name}" whose provider "${disabledProvider.name}" is disabled`;
        const unresolvedProvider = candidates.find((o) => unresolved.has(o.name) && o.provides?.some((p) => p.key === t.key));
        if (unresolvedProvider) return `requires service "${t.name}" whose provider "${unresolvedProvider.name}" is unresolved`;
        return `requires service "${t.name}" which no bundle provides`;
      });
      unresolved.set(b.name, why.join('; '));
      live = live.filter((o) => o !== b);
      changed = true;
      break;
    }
  }

  const deps = new Map<Bundle, Bundle[]>();
  for (const b of live) {
    const tokens = [...requiredTokens(b), ...optionalTokens(b)];
    deps.set(b, tokens.map((t) => providerOf(t.key, live)).filter((p): p is Bundle => p !== undefined && p !== b));
  }

  const order: Bundle[] = [];
  const state = new Map<Bundle, 'visiting' | 'done'>();
  const visit = (b: Bundle, path: Bundle[]): void => {
    if (state.get(b) === 'done') return;
    if (state.get(b) === 'visiting') {
      const members = path.slice(path.indexOf(b));
      const cycle = [...members, b].map((x) => x.name).join(' -> ');
      for (const member of members) unresolved.set(member.name, `dependency cycle: ${cycle}`);
      return;
    }
    state.set(b, 'visiting');
    for (const d of deps.get(b) ?? []) visit(d, [...path, b]);
    state.set(b, 'done');
    order.push(b);
  };
  for (const b of live) visit(b, []);

  // Cycle members cannot start, nor can anything that requires them (transitively).
  let final = order.filter((b) => !unresolved.has(b.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of final) {
      const lost = requiredTokens(b).find((t) => !final.some((p) => p.provides?.some((s) => s.key === t.key)));
      if (!lost) continue;
      unresolved.set(b.name, `requires service "${lost.name}" whose provider is part of a dependency cycle`);
      final = final.filter((x) => x !== b);
      changed = true;
      break;
    }
  }
  return { order: final, unresolved };
}
