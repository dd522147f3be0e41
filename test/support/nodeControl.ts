import { createServer, type Server } from 'node:http';

/** What one control action does for a route (e.g. stop or start that node); a throw answers 500. */
export type ControlAction = (route: string, query: URLSearchParams) => Promise<string>;

/**
 * A loopback HTTP endpoint in the test process that runs actions on its nodes, so an operator's
 * shell command (`curl -fsS -X POST 'http://HOST/stop/{route}'`) can drive processes the test owns
 * (and kills in teardown). Each request is answered once its action finished.
 */
export class NodeControl {
  private readonly server: Server;
  /** `action route` of every request, in order. */
  readonly requests: string[] = [];

  constructor(readonly host: string, readonly port: number, actions: Record<string, ControlAction>) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${host}`);
      const [, action, route] = url.pathname.split('/');
      const answer = (status: number, text: string) => res.writeHead(status).end(`${text}\n`);
      const run = action ? actions[action] : undefined;
      if (req.method !== 'POST' || !route || !run) return answer(404, `POST /{${Object.keys(actions).join(',')}}/ROUTE`);
      this.requests.push(`${action} ${route}`);
      run(route, url.searchParams).then((text) => answer(200, text), (err: Error) => answer(500, err.message));
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, this.host, resolve));
  }

  /** The shell command that runs `action` for the node `{route}` (oxk upgrade fills it in), with extra query parameters. */
  command(action: string, query = ''): string {
    return `curl -fsS -X POST 'http://${this.host}:${this.port}/${action}/{route}${query ? `?${query}` : ''}'`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
