import { SessionClient } from './sessionClient.js';

/** One login the server acknowledged (HTTP 200): the client holds its cookies and session. */
export interface AckedLogin {
  user: string;
  client: SessionClient;
}

/**
 * Logs users in without pause from `workers` loops, round-robin over `bases`, until `stop()`:
 * every acknowledged login is kept; refusals (503 while the storage fails over) are counted.
 */
export function loginLoad(bases: string[], users: readonly string[], password: (user: string) => string, workers = 4) {
  const acked: AckedLogin[] = [];
  const refused: string[] = [];
  let running = true;
  let n = 0;
  const loop = async () => {
    while (running) {
      const i = n++;
      const user = users[i % users.length]!;
      const client = new SessionClient(bases[i % bases.length]!);
      const a = await client.login(user, password(user)).catch((err: Error) => ({ status: 0, body: err.message }));
      if (a.status === 200) acked.push({ user, client });
      else refused.push(`${a.status} ${a.body.slice(0, 200)}`);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    acked,
    refused,
    async stop(): Promise<void> {
      running = false;
      await done;
    },
  };
}
