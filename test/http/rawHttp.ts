import { connect } from 'node:net';

/** Everything a server sends back for `bytes` until it closes the connection (or `timeoutMs` passes). */
export function rawExchange(host: string, port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => socket.write(bytes));
    let answer = '';
    let error: string | undefined;
    const timer = setTimeout(() => socket.destroy(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (c: Buffer) => { answer += c.toString('latin1'); });
    socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, error });
    });
  });
}

/**
 * Sends a head with `Expect: 100-continue`, waits for the server's `100 Continue` (so a handler is
 * reading the body), sends part of the body and resets the connection (RST) as a crashing client does.
 */
export function abortMidBody(host: string, port: number, head: string, partialBody: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write(head));
    let seen = '';
    let sent = false;
    socket.on('data', (c: Buffer) => {
      seen += c.toString('latin1');
      if (!seen.startsWith('HTTP/1.1 100 ') || sent) return;
      sent = true;
      socket.write(partialBody, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

/** One chunk of a `Transfer-Encoding: chunked` body. */
export function chunk(data: string): string {
  return `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
}
