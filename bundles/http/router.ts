import type { HttpHandler, HttpRequest } from './api.js';

/** A registered handler and whether a request to it changes state (see `RouteOptions.changesState`). */
export interface Route {
  handler: HttpHandler;
  changesState: (req: HttpRequest) => boolean;
}

interface PrefixRoute extends Route {
  method: string;
  prefix: string;
}

/** Exact routes by `METHOD path`, then prefix routes, longest prefix first. `*` matches any method. */
export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: PrefixRoute[] = [];

  add(method: string, path: string, route: Route, prefix: boolean): void {
    const m = method.toUpperCase();
    if (prefix) {
      const p = path.replace(/\/+$/, '');
      if (this.prefixes.some((r) => r.method === m && r.prefix === p)) throw new Error(`route ${m} ${p}/* is already registered`);
      this.prefixes.push({ ...route, method: m, prefix: p });
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
      return;
    }
    const key = `${m} ${path}`;
    if (this.exact.has(key)) throw new Error(`route ${key} is already registered`);
    this.exact.set(key, route);
  }

  /** The route of a request, or `undefined`; `methodMismatch` tells 405 from 404. */
  match(method: string, path: string): { route?: Route; methodMismatch: boolean } {
    const r = this.exact.get(`${method} ${path}`) ?? this.exact.get(`* ${path}`);
    if (r) return { route: r, methodMismatch: false };
    let mismatch = [...this.exact.keys()].some((k) => k.endsWith(` ${path}`));
    for (const p of this.prefixes) {
      if (path !== p.prefix && !path.startsWith(`${p.prefix}/`)) continue;
      if (p.method === method || p.method === '*') return { route: p, methodMismatch: false };
      mismatch = true;
    }
    return { methodMismatch: mismatch };
  }
}
