import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient, RedisMode } from './api.js';
import type { RedisHost } from './hosts.js';

export interface ClientSettings {
  mode: RedisMode;
  hosts: RedisHost[];
  masterId: string;
  username: string;
  password: string;
  ssl: boolean;
  database: number;
  connectTimeoutMs: number;
  /** Connection name shown by CLIENT LIST, e.g. `oxk-OX1`. */
  name: string;
}

/** Reconnect backoff: quick at first, at most 1 s apart, for ever (Redis may come back any time). */
const reconnectDelay = (times: number) => Math.min(1000, 50 * times);

/**
 * An ioredis client for the mode. Commands queue while (re)connecting and are flushed with an error
 * after one failed reconnect, so callers (RedisConnection.run) see failures and retry within their
 * own deadline instead of waiting forever. A READONLY reply (writing to a master that a failover
 * turned into a replica) reconnects, through the sentinels, to the new master and resends.
 */
export function createClient(s: ClientSettings): RedisClient {
  const common: RedisOptions = {
    username: s.username || undefined,
    password: s.password || undefined,
    tls: s.ssl ? {} : undefined,
    connectTimeout: s.connectTimeoutMs,
    connectionName: s.name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: true,
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
  switch (s.mode) {
    case 'standalone':
      return new Redis({ ...common, host: s.hosts[0]!.host, port: s.hosts[0]!.port, db: s.database, retryStrategy: reconnectDelay });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: s.hosts,
        name: s.masterId,
        role: 'master',
        db: s.database,
        sentinelUsername: s.username || undefined,
        sentinelPassword: s.password || undefined,
        enableTLSForSentinelMode: s.ssl,
        sentinelRetryStrategy: reconnectDelay,
        retryStrategy: reconnectDelay,
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(s.hosts, {
        redisOptions: common,
        lazyConnect: true,
        enableOfflineQueue: true,
        clusterRetryStrategy: reconnectDelay,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        maxRedirections: 16,
      });
  }
}
