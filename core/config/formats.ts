import convict from 'convict';
import { parseDuration } from './duration.js';

let registered = false;

const ROUTE = /^[A-Za-z0-9._-]+$/;

/** Registers oxkernel's own convict formats once: `duration` and `route`. */
export function registerFormats(): void {
  if (registered) return;
  registered = true;
  convict.addFormat({
    name: 'duration',
    validate(value: unknown) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new Error('must be a duration such as 120s, 5m, 1W or milliseconds');
      }
    },
  });
  convict.addFormat({
    name: 'route',
    validate(value: unknown) {
      // The route ends the JSESSIONID cookie and Apache's route= attribute: an HTTP token, ASCII only.
      if (typeof value !== 'string' || !ROUTE.test(value)) {
        throw new Error('must be a non-empty route without ";", "," or whitespace: letters, digits, "-", "_" and "." only');
      }
    },
  });
}

/** Turns a property file's string into the type its format expects; leaves it as is when it cannot. */
export function coerce(format: unknown, raw: string): unknown {
  const text = raw.trim();
  switch (format) {
    case 'int': case 'nat': case 'port': case 'Number':
      return text === '' || Number.isNaN(Number(text)) ? raw : Number(text);
    case 'Boolean':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : raw;
    case 'duration':
      try {
        return parseDuration(text);
      } catch {
        return raw;
      }
    case 'Array':
      return text === '' ? [] : text.split(',').map((s) => s.trim()).filter(Boolean);
    case 'route':
      return text;
    default:
      return raw;
  }
}
