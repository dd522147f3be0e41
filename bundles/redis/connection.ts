import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'winston';
import { type ChannelListener, type RedisClient, RedisCommandError, type RedisMode, type RedisService, type RedisStatus } from './api.js';
import { type ClientSettings, createClient } from './clientFactory.js';
import { hostList } from './hosts.js';
import { RedisStats } from './stats.js';

/** Replies that say "not now" (a failover, a resharding, a restart): worth retrying within the deadline. */
const TRANSIENT = /^(READONLY|LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|MOVED|ASK)\b|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTCONN|MaxRetriesPerRequest|Reached the max retries|Failed to refresh slots cache|None of the sentinels|All sentinels are unreachable|timed out|Command timed out|connect/i;
/** Replies that no retry will change. */
const AUTH = /WRONGPASS|NOAUTH|NOPERM|invalid username-password|invalid password/i;

export interface ConnectionOptions extends ClientSettings {
  commandTimeoutMs: number;
  waitForReplicas: number;
  cacheInvalidation: boolean;
  logger: Logger;
}

interface Subscription {
  channel: string;
  listener: ChannelListener;
}

/** This node's Redis: one client for commands, one for pub/sub, with retries, metrics and status. */
export class RedisConnection implements RedisService {
  readonly instanceId = randomUUID();
  readonly stats = new RedisStats();
  readonly mode: RedisMode;
  readonly commandTimeoutMs: number;
  readonly cacheInvalidation: boolean;
  readonly waitForReplicas: number;
  readonly description: string;
  private readonly client: RedisClient;
  private subscriber?: RedisClient;
  private readonly subscriptions = new Set<Subscription>();
  /** The subscriber lost its connection since it last was ready: the next ready is a gap. */
  private subscriberDropped = false;
  private lastError?: { message: string; time: number };
  private closed = false;

  constructor(private readonly options: ConnectionOptions) {
    this.mode = options.mode;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.cacheInvalidation = options.cacheInvalidation;
    this.waitForReplicas = options.waitForReplicas;
    const where = hostList(options.hosts);
    this.description = options.mode === 'sentinel' ? `Redis sentinel master "${options.masterId}" (sentinels ${where})` : `Redis ${options.mode} ${where}`;
    this.client = createClient(options);
    this.watch(this.client, 'commands');
  }

  /**
   * Connects once. Refused credentials are thrown (a clear error at start: no retry helps); an
   * unreachable server is only logged: the client keeps reconnecting and the node runs without.
   */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
      await this.client.ping();
      this.options.logger.info(`connected to ${this.description}`);
    } catch (err) {
      // ioredis reports a refused AUTH as an error event, then rejects connect() with "Connection is closed".
      const message = AUTH.test(this.lastError?.message ?? '') ? this.lastError!.message : (err as Error).message;
      if (AUTH.test(message)) {
        this.client.disconnect();
        throw new Error(`${this.description} refused the credentials of com.openexchange.redis.username/password: ${message}`);
      }
      this.noteError(message);
      this.options.logger.warn(`${this.description} is not reachable (${message}); retrying in the background, sessions in Redis are unavailable until it answers`);
    }
  }

  async run<T>(what: string, op: (client: RedisClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.commandTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const left = Math.max(1, deadline - Date.now());
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.commandTimeoutMs} ms`)), left);
        });
        const result = await Promise.race([op(this.client), timeout]);
        this.stats.succeeded(performance.now() - started);
        return result;
      } catch (err) {
        this.stats.failed();
        const message = (err as Error).message;
        this.noteError(message);
        if (this.closed || !TRANSIENT.test(message) || AUTH.test(message) || Date.now() >= deadline) {
          throw new RedisCommandError(`${this.description}: ${what} failed after ${attempt} attempt(s): ${message}`);
        }
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, Math.min(250, 25 * attempt, Math.max(0, deadline - Date.now()))));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    const message = JSON.stringify({ sender: this.instanceId, payload });
    await this.run(`publish on ${channel}`, (c) => c.publish(channel, message));
  }

  subscribe(channel: string, listener: ChannelListener): () => void {
    const subscription = { channel, listener };
    this.subscriptions.add(subscription);
    const sub = this.subscriberClient();
    sub.subscribe(channel).catch((err: Error) => this.options.logger.warn(`${this.description}: subscribe to ${channel} failed (${err.message}); retried on reconnect`));
    return () => {
      this.subscriptions.delete(subscription);
      if (![...this.subscriptions].some((s) => s.channel === channel)) sub.unsubscribe(channel).catch(() => undefined);
    };
  }

  status(): RedisStatus {
    const connected = this.client.status === 'ready';
    const status: RedisStatus = { connected, mode: this.mode, master: this.currentServer() };
    if (this.lastError) {
      status.lastError = this.lastError.message;
      status.lastErrorTime = this.lastError.time;
    }
    return status;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.client, this.subscriber].filter((c): c is RedisClient => c !== undefined).map((c) => c.quit().catch(() => c.disconnect())));
  }

  private subscriberClient(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const sub = createClient({ ...this.options, name: `${this.options.name}-sub` });
    this.subscriber = sub;
    this.watch(sub, 'pub/sub');
    sub.on('message', (channel: string, raw: string) => this.deliver(channel, raw));
    sub.on('ready', () => {
      // A SUBSCRIBE sent while Redis was down failed and is not among those ioredis re-sends: send them all again.
      const channels = [...new Set([...this.subscriptions].map((s) => s.channel))];
      if (channels.length) sub.subscribe(...channels).catch((err: Error) => this.noteError(err.message));
      if (!this.subscriberDropped) return;
      this.subscriberDropped = false;
      for (const s of this.subscriptions) s.listener.gap(`the pub/sub connection to ${this.description} was lost and is back`);
    });
    sub.connect().catch((err: Error) => this.noteError(err.message));
    return sub;
  }

  private deliver(channel: string, raw: string): void {
    let parsed: { sender?: unknown; payload?: unknown };
    try {
      parsed = JSON.parse(raw) as typeof parsed;
    } catch {
      parsed = {};
    }
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.sender !== 'string') {
      this.options.logger.debug(`${this.description}: a message on ${channel} without a sender id ignored`);
      return;
    }
    if (parsed.sender === this.instanceId) return;
    for (const s of this.subscriptions) if (s.channel === channel) s.listener.message(parsed.payload, parsed.sender);
  }

  private watch(client: RedisClient, role: string): void {
    let wasReady = false;
    client.on('ready', () => {
      if (wasReady) this.options.logger.info(`${role} connection to ${this.description} is back (${this.currentServer()})`);
      wasReady = true;
    });
    client.on('error', (err: Error) => this.noteError(err.message));
    client.on('close', () => {
      if (this.closed) return;
      if (role === 'pub/sub') this.subscriberDropped = true;
      if (wasReady) this.options.logger.warn(`${role} connection to ${this.description} lost${this.lastError ? ` (${this.lastError.message})` : ''}; reconnecting`);
      wasReady = false;
    });
    // ioredis also emits +switch-master through the failover detector: the next ready logs the new master.
  }

  private currentServer(): string {
    const c = this.client as { options?: { host?: string; port?: number }; stream?: { remoteAddress?: string; remotePort?: number } };
    if (this.mode === 'cluster') return hostList(this.options.hosts);
    const remote = c.stream?.remoteAddress;
    return remote ? `${remote}:${c.stream?.remotePort}` : `${c.options?.host ?? '?'}:${c.options?.port ?? '?'}`;
  }

  private noteError(message: string): void {
    // "Connection is closed." follows the cause (ECONNREFUSED, WRONGPASS, ...): keep the cause.
    if (/^Connection is closed/.test(message) && this.lastError && this.client.status !== 'ready') return;
    this.lastError = { message, time: Date.now() };
  }
}
