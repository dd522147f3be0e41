import type { HttpHandler } from './api.js';

interface PrefixRoute {
  method: string;
  prefix: string;
  handler: HttpHandler;
}

/** Exact routes by `METHOD path`, then prefix routes, longest prefix first. `*` matches any method. */
export class Router {
  private readonly exact = new Map<string, HttpHandler>();
  private readonly prefixes: PrefixRoute[] = [];

  add(method: string, path: string, handler: HttpHandler, prefix: boolean): void {
    const m = method.toUpperCase();
    if (prefix) {
      const p = path.replace(/\/+$/, '');
      if (this.prefixes.some((r) => r.method === m && r.prefix === p)) throw new Error(`route ${m} ${p}/* is already registered`);
      this.prefixes.push({ method: m, prefix: p, handler });
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
      return;
    }
    const key = `${m} ${path}`;
    if (this.exact.has(key)) throw new Error(`route ${key} is already registered`);
    this.exact.set(key, handler);
  }

  /** The handler for a request, or `undefined`; `methodMismatch` tells 405 from 404. */
  match(method: string, path: string): { handler?: HttpHandler; methodMismatch: boolean } {
    const h = this.exact.get(`${method} ${path}`) ?? this.exact.get(`* ${path}`);
    if (h) return { handler: h, methodMismatch: false };
    let mismatch = [...this.exact.keys()].some((k) => k.endsWith(` ${path}`));
    for (const r of this.prefixes) {
      if (path !== r.prefix && !path.startsWith(`${r.prefix}/`)) continue;
      if (r.method === method || r.method === '*') return { handler: r.handler, methodMismatch: false };
      mismatch = true;
    }
    return { methodMismatch: mismatch };
  }
}
