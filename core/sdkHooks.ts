/** Module hooks (node:module register) that let custom bundles import `oxkernel/...` without installing it. */
const ownPackage = new URL('../../package.json', import.meta.url).href;

type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<unknown> {
  if (specifier !== 'oxkernel' && !specifier.startsWith('oxkernel/')) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch {
    // Resolve as a self-reference from this package, through its "exports".
    return nextResolve(specifier, { ...context, parentURL: ownPackage });
  }
}
