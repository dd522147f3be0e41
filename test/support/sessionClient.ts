import { runOxk } from './runCli.js';

/** One HTTP answer as the session tests look at it. */
export interface Answer {
  status: number;
  /** The parsed JSON body (tests read fields freely), undefined when not JSON. */
  json: any;
  headers: Headers;
  /** `Set-Cookie` headers of this answer. */
  setCookies: string[];
  body: string;
}

/**
 * A browser-like client for `/ajax`: keeps the cookies it is given (per client, like one
 * browser) and sends them back. Talks to a node directly or through Apache.
 */
export class SessionClient {
  readonly cookies = new Map<string, string>();
  session?: string;

  constructor(public base: string) {}

  get jsessionid(): string | undefined {
    return this.cookies.get('JSESSIONID');
  }

  /** The route suffix of the JSESSIONID cookie. */
  get route(): string | undefined {
    return this.jsessionid?.split('.').slice(1).join('.');
  }

  async request(method: string, path: string, options: { form?: Record<string, string>; headers?: Record<string, string>; cookies?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.cookies !== false && this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, headers: res.headers, setCookies, body: text };
  }

  async login(name: string, password: string, extra: Record<string, string> = {}): Promise<Answer> {
    const a = await this.request('POST', '/ajax/login?action=login', { form: { name, password, ...extra } });
    if (a.status === 200) this.session = a.json.session;
    return a;
  }

  whoami(session = this.session): Promise<Answer> {
    return this.request('GET', `/ajax/system?action=whoami&session=${session ?? ''}`);
  }

  logout(session = this.session): Promise<Answer> {
    return this.request('GET', `/ajax/login?action=logout&session=${session ?? ''}`);
  }
}

/** Throws with the answer's body unless it is a 200. */
export function expectOk(a: Answer, what: string): Answer {
  if (a.status !== 200) throw new Error(`${what}: HTTP ${a.status} ${a.body}`);
  return a;
}

/** `users.properties` text for these users, each line made by the real `oxk passwd`. */
export async function usersFile(users: Record<string, string>, cost = 1024): Promise<string> {
  const lines = await Promise.all(Object.entries(users).map(async ([name, password]) => {
    const out = await runOxk(['passwd', name, '--cost', String(cost)], { input: `${password}\n` });
    if (out.code !== 0) throw new Error(`oxk passwd ${name} failed: ${out.stderr}`);
    return out.stdout.trim();
  }));
  return `${lines.join('\n')}\n`;
}

/** Runs `fn` over `items` with at most `limit` at a time; resolves with the results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
