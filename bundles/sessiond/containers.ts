import type { LocalSession } from './localSession.js';

/** The short-term (active) and long-term (idle) containers, with a per-user index. */
export class SessionContainers {
  readonly shortTerm = new Map<string, LocalSession>();
  readonly longTerm = new Map<string, LocalSession>();
  private readonly byUser = new Map<string, Set<string>>();

  get size(): number {
    return this.shortTerm.size + this.longTerm.size;
  }

  countOf(user: string): number {
    return this.byUser.get(user)?.size ?? 0;
  }

  /** The sessions of one user held here. */
  ofUser(user: string): LocalSession[] {
    return [...(this.byUser.get(user) ?? [])].map((id) => this.find(id)!);
  }

  find(id: string): LocalSession | undefined {
    return this.shortTerm.get(id) ?? this.longTerm.get(id);
  }

  add(s: LocalSession): void {
    this.shortTerm.set(s.id, s);
    let ids = this.byUser.get(s.user);
    if (!ids) this.byUser.set(s.user, (ids = new Set()));
    ids.add(s.id);
  }

  /** Back to the short-term container on access. */
  activate(s: LocalSession): void {
    if (this.longTerm.delete(s.id)) this.shortTerm.set(s.id, s);
  }

  toLongTerm(s: LocalSession): void {
    if (this.shortTerm.delete(s.id)) this.longTerm.set(s.id, s);
  }

  delete(id: string): LocalSession | undefined {
    const s = this.find(id);
    if (!s) return undefined;
    this.shortTerm.delete(id);
    this.longTerm.delete(id);
    const ids = this.byUser.get(s.user);
    ids?.delete(id);
    if (ids?.size === 0) this.byUser.delete(s.user);
    return s;
  }
}
