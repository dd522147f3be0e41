import type { DistributedMap } from '../api.js';

/** Operations in flight during `load` and `verify`. */
const IN_FLIGHT = 64;

export interface MapCommandArgs {
  ttl?: number;
  count?: number;
  prefix: string;
}

/** Runs one `oxk map` command against a map; returns the exit code. */
export async function runMapCommand(map: DistributedMap<unknown>, command: string, args: string[], o: MapCommandArgs, print: (line: string) => void): Promise<number> {
  const need = (n: number, usage: string) => {
    if (args.length !== n) throw new Error(`usage: oxk map --connect HOST[:PORT] ${map.name} ${usage}`);
  };
  switch (command) {
    case 'get': {
      need(1, 'get KEY');
      const v = await map.get(args[0]);
      if (v === undefined) {
        print(`${args[0]}: not found`);
        return 1;
      }
      print(typeof v === 'string' ? v : JSON.stringify(v));
      return 0;
    }
    case 'put': {
      need(2, 'put KEY VALUE [--ttl S]');
      const old = await map.put(args[0], args[1], o.ttl ? { ttlSeconds: o.ttl } : undefined);
      print(old === undefined ? 'ok (new entry)' : `ok (previous value: ${typeof old === 'string' ? old : JSON.stringify(old)})`);
      return 0;
    }
    case 'remove': {
      need(1, 'remove KEY');
      const old = await map.remove(args[0]);
      print(old === undefined ? `${args[0]}: not found` : `removed ${typeof old === 'string' ? old : JSON.stringify(old)}`);
      return old === undefined ? 1 : 0;
    }
    case 'size':
      need(0, 'size');
      print(String(await map.size()));
      return 0;
    case 'load': {
      const count = countOf(o);
      const start = performance.now();
      await forEachIndex(count, (i) => map.set(`${o.prefix}${i}`, `value-${i}`));
      const ms = performance.now() - start;
      print(`loaded ${count} entries in ${Math.round(ms)} ms (${Math.round(count / (ms / 1000))} ops/s)`);
      return 0;
    }
    case 'verify': {
      const count = countOf(o);
      let missing = 0;
      let wrong = 0;
      await forEachIndex(count, async (i) => {
        const v = await map.get(`${o.prefix}${i}`);
        if (v === undefined) missing++;
        else if (v !== `value-${i}`) wrong++;
      });
      print(`verified ${count - missing - wrong}/${count} missing ${missing} wrong ${wrong}`);
      return missing + wrong > 0 ? 1 : 0;
    }
    default:
      throw new Error(`unknown map command "${command}" (get, put, remove, size, load, verify)`);
  }
}

function countOf(o: MapCommandArgs): number {
  if (o.count === undefined || !Number.isInteger(o.count) || o.count < 0) throw new Error('--count N is required (a non-negative integer)');
  return o.count;
}

async function forEachIndex(count: number, f: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await f(next++);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
}
