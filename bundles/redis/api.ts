import type { Cluster, Redis } from 'ioredis';
import { serviceToken } from '../../core/serviceToken.js';

/** A standalone or Sentinel-managed connection, or a Redis Cluster client: the commands are the same. */
export type RedisClient = Redis | Cluster;

export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

/** Channel of remote session invalidation (OX 8's name). */
export const SESSION_EVENTS_CHANNEL = 'ox-channel:sessionEvents';
/** Channel of cache-region invalidation (OX 8's name). */
export const CACHE_EVENTS_CHANNEL = 'ox-channel:cacheEvents';

/** What a pub/sub subscriber is told. */
export interface ChannelListener {
  /** A message another node published (this node's own messages are never delivered). */
  message(payload: unknown, sender: string): void;
  /**
   * The subscription was down (a reconnect, a failover): messages published meanwhile are lost,
   * since pub/sub is fire-and-forget. Called once the subscription is back.
   */
  gap(reason: string): void;
}

export interface RedisStatus {
  connected: boolean;
  mode: RedisMode;
  /** `host:port` of the server commands go to (the master in Sentinel mode); the seed list in Cluster mode. */
  master: string;
  lastError?: string;
  lastErrorTime?: number;
}

export interface RedisService {
  readonly mode: RedisMode;
  /** Random per process: the sender id of this node's pub/sub messages. */
  readonly instanceId: string;
  /** `com.openexchange.redis.commandTimeoutMillis`: how long `run` keeps retrying. */
  readonly commandTimeoutMs: number;
  /** `com.openexchange.redis.waitForReplicas`: replicas a session write waits for (WAIT). */
  readonly waitForReplicas: number;
  /** `com.openexchange.redis.cacheInvalidation`: cache-jcs invalidates over `ox-channel:cacheEvents`. */
  readonly cacheInvalidation: boolean;
  /** For log lines, e.g. `Redis sentinel mymaster (127.0.19.2:26379, ...)`. */
  readonly description: string;
  /**
   * Runs `op` against the client, retrying connection losses, failovers and cluster redirections
   * until `commandTimeoutMillis` has passed; counted in the metrics. `op` must be safe to repeat.
   */
  run<T>(what: string, op: (client: RedisClient) => Promise<T>): Promise<T>;
  /** Publishes `payload` (JSON) with this node's instance id. */
  publish(channel: string, payload: unknown): Promise<void>;
  /** Subscribes on a connection of its own; returns a function that unsubscribes. */
  subscribe(channel: string, listener: ChannelListener): () => void;
  status(): RedisStatus;
}

export const REDIS_SERVICE = serviceToken<RedisService>('redis');

/** A command that did not succeed within `commandTimeoutMillis`, or that Redis refused. */
export class RedisCommandError extends Error {}
