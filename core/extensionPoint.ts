/**
 * A named place where bundles add items that one owning bundle reads (Theia's contribution
 * providers, Backstage's extension points). The owner exports the point from its `api.ts`;
 * contributors import only that file, the owner never imports a contributor.
 */
export interface ExtensionPoint<T> {
  readonly key: symbol;
  readonly id: string;
  /** Phantom field that carries the item type; never set at run time. */
  readonly __item?: T;
}

export function extensionPoint<T>(id: string): ExtensionPoint<T> {
  return Object.freeze({ key: Symbol.for(`oxkernel.point.${id}`), id });
}

/** One item added to a point, and the bundle that added it. */
export interface Contribution<T> {
  readonly bundle: string;
  readonly item: T;
}

export interface ContributionListener<T> {
  added?(contribution: Contribution<T>): void;
  /** Called when the contributor withdrew it or stopped. */
  removed?(contribution: Contribution<T>): void;
}

/** What the owner of a point sees: the current contributions and a way to follow them. */
export interface ContributionsView<T> {
  current(): readonly Contribution<T>[];
  /** Tells `listener` of every later addition and withdrawal; returns a function that stops it. */
  subscribe(listener: ContributionListener<T>): () => void;
}

/** A contribution declared in a manifest: readable without starting the bundle (CLI commands), added while it is ACTIVE. */
export interface DeclaredContribution<T = unknown> {
  readonly point: ExtensionPoint<T>;
  readonly item: T;
}

export function contribution<T>(point: ExtensionPoint<T>, item: T): DeclaredContribution<T> {
  return Object.freeze({ point, item });
}

/** The items bundles declare for `point` in their manifests, for tools that do not start bundles. */
export function declaredContributions<T>(bundles: readonly { name: string; contributes?: readonly DeclaredContribution[] }[], point: ExtensionPoint<T>): Contribution<T>[] {
  return bundles.flatMap((b) => (b.contributes ?? []).filter((c) => c.point.key === point.key).map((c) => ({ bundle: b.name, item: c.item as T })));
}
