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
