import { Writable } from 'node:stream';
import winston from 'winston';

/** A winston logger that keeps `level: message` lines in memory, for tests of code that logs. */
export function captureLogger(): { logger: winston.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: { level: string; message: unknown }, _encoding, done) {
      lines.push(`${info.level}: ${String(info.message)}`);
      done();
    },
  });
  return { logger: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }), lines };
}
