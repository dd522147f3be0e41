import type { Bundle, DepsManifest } from './bundle.js';
import { KERNEL_SERVICE } from './kernelService.js';
import type { ServiceToken } from './serviceToken.js';

// The kernel service is always there: never a dependency on a bundle.
const onBundles = (tokens: readonly ServiceToken<unknown>[]) => tokens.filter((t) => t.key !== KERNEL_SERVICE.key);

/** True for the `deps` manifest form (`start(services, ctx)`). */
export function usesDeps(b: Bundle): b is Readonly<DepsManifest> {
  return b.deps !== undefined || b.optionalDeps !== undefined;
}

/** Services the bundle cannot start without, from either manifest form. */
export function requiredTokens(b: Bundle): ServiceToken<unknown>[] {
  return onBundles(usesDeps(b) ? Object.values(b.deps ?? {}) : b.requires ?? []);
}

/** Services the bundle uses when present, from either manifest form. */
export function optionalTokens(b: Bundle): ServiceToken<unknown>[] {
  return onBundles(usesDeps(b) ? Object.values(b.optionalDeps ?? {}) : b.optionalRequires ?? []);
}

/**
 * Services whose provider's stop must stop this bundle first: the required ones, and for the list
 * form (and `staticOptionalDeps`) the optional ones too, since they were handed out once and cannot be taken back.
 */
export function staticTokens(b: Bundle): ServiceToken<unknown>[] {
  return usesDeps(b) && !b.staticOptionalDeps ? requiredTokens(b) : [...requiredTokens(b), ...optionalTokens(b)];
}

export function provides(b: Bundle, token: ServiceToken<unknown>): boolean {
  return (b.provides ?? []).some((t) => t.key === token.key);
}
