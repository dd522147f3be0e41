import { createServer, type Server } from 'node:http';
import type { NodeProcess } from './nodeProcess.js';

/**
 * A loopback HTTP endpoint in the test process that stops and starts its nodes, so an operator's
 * shell command (`curl -fsS -X POST http://HOST/stop/{route}`) can drive processes the test owns
 * (and kills in teardown). `/stop` answers once the node exited (500 unless it exited 0); `/start`
 * answers once the new process is spawned.
 */
export class NodeControl {
  private readonly server: Server;
  readonly requests: string[] = [];

  constructor(readonly host: string, readonly port: number, nodes: Map<string, NodeProcess>, start: (route: string) => NodeProcess) {
    this.server = createServer((req, res) => {
      const [, action, route] = (req.url ?? '').split('/');
      this.requests.push(`${action} ${route}`);
      const answer = (status: number, text: string) => res.writeHead(status).end(text);
      if (req.method !== 'POST' || !route || (action !== 'stop' && action !== 'start')) return answer(404, 'POST /stop/ROUTE or /start/ROUTE');
      if (action === 'start') {
        start(route);
        return answer(200, `started ${route}`);
      }
      const node = nodes.get(route);
      if (!node) return answer(404, `no node ${route}`);
      node.stop(30_000).then(() => answer(node.exitCode === 0 ? 200 : 500, `${route} exited ${node.exitCode ?? node.exitSignal}`), (err: Error) => answer(500, err.message));
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, this.host, resolve));
  }

  command(action: 'stop' | 'start'): string {
    return `curl -fsS -X POST http://${this.host}:${this.port}/${action}/{route}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
