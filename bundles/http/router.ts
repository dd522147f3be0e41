import type { HttpHandler, HttpRequest } from './api.js';

/** A registered handler, whether a request to it changes state (see `RouteOptions.changesState`) and the bundle that added it. */
export interface Route {
  handler: HttpHandler;
  changesState: (req: HttpRequest) => boolean;
  /** The contributing bundle; empty for the connector's own routes. */
  bundle: string;
  /** Set once the contributing bundle stopped: the route answers 503 instead of reaching its services. */
  stopped?: boolean;
}

interface PrefixRoute extends Route {
  method: string;
  prefix: string;
}

/**
 * Exact routes by `METHOD path`, then prefix routes, longest prefix first. `*` matches any method.
 * A withdrawn route stays as a stopped marker, so its path answers "bundle stopped" rather than 404.
 */
export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: PrefixRoute[] = [];

  add(method: string, path: string, route: Route, prefix: boolean): void {
    const m = method.toUpperCase();
    if (prefix) {
      const p = path.replace(/\/+$/, '');
      const at = this.prefixes.findIndex((r) => r.method === m && r.prefix === p);
      if (at >= 0 && !this.prefixes[at].stopped) throw new Error(`route ${m} ${p}/* is already registered by ${owner(this.prefixes[at])}`);
      if (at >= 0) this.prefixes.splice(at, 1);
      this.prefixes.push({ ...route, method: m, prefix: p });
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
      return;
    }
    const key = `${m} ${path}`;
    const existing = this.exact.get(key);
    if (existing && !existing.stopped) throw new Error(`route ${key} is already registered by ${owner(existing)}`);
    this.exact.set(key, route);
  }

  /** Marks the route as stopped if it is still `route` (a later contribution of the same path is left alone). */
  withdraw(method: string, path: string, route: Route, prefix: boolean): void {
    const m = method.toUpperCase();
    const found = prefix
      ? this.prefixes.find((r) => r.method === m && r.prefix === path.replace(/\/+$/, ''))
      : this.exact.get(`${m} ${path}`);
    if (found && found.handler === route.handler) found.stopped = true;
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

const owner = (route: Route) => (route.bundle ? `bundle "${route.bundle}"` : 'the connector');
