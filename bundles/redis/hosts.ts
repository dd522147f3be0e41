/** One `host[:port]` of `com.openexchange.redis.hosts`. */
export interface RedisHost {
  host: string;
  port: number;
}

/**
 * Parses `host[:port]` items separated by commas (IPv6 in brackets: `[::1]:6379`); `defaultPort`
 * where no port is given. Throws with the offending item.
 */
export function parseHosts(value: string, defaultPort: number): RedisHost[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error('must list at least one host[:port]');
  return items.map((item) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+))(?::(\d+))?$/.exec(item);
    if (!m) throw new Error(`"${item}" is not host[:port]`);
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${item}": port must be 1..65535`);
    return { host: m[1] ?? m[2]!, port };
  });
}

export const hostList = (hosts: readonly RedisHost[]) => hosts.map((h) => `${h.host}:${h.port}`).join(', ');
