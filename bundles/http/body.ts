import type { IncomingMessage } from 'node:http';
import { HttpError } from './api.js';

/** The client closed or reset the connection before its body was complete: nothing to answer, nothing broken. */
export class ClientAbortError extends Error {}

function tooLarge(limit: number, size: string): HttpError {
  // The connection is closed after the answer: the rest of an oversized body is not worth reading.
  return new HttpError(413, 'HTTP-0413', `request body ${size}exceeds the limit of ${limit} bytes`, { connection: 'close' });
}

/**
 * Reads a request body of at most `limit` bytes. Past the limit the rest is read and dropped (up
 * to another `limit` bytes) before the 413 is answered: closing a socket with unread data resets
 * it, and the client would never see the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > 2 * limit) {
      reject(tooLarge(limit, `of ${declared} bytes `));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > 2 * limit) {
        req.pause();
        settle(() => reject(tooLarge(limit, '')));
      }
    });
    req.on('end', () => settle(() => (size > limit ? reject(tooLarge(limit, '')) : resolve(Buffer.concat(chunks)))));
    req.on('error', (err: NodeJS.ErrnoException) => settle(() => reject(new ClientAbortError(`client aborted the request body after ${size} bytes (${err.code ?? err.message})`))));
    req.on('close', () => settle(() => reject(new ClientAbortError(`client closed the connection after ${size} bytes of the request body`))));
  });
}
