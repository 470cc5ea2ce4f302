import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { DlrsError } from '../../../shared/errors/index.js';
import type { RedisOptions } from 'ioredis';
import { selectFreshEvents } from './fresh-events.js';
import { DEFAULT_DEDUPE_WINDOW_PER_USER, jsonProfileCodec } from './profile-store.js';
import type { ApplyResult, IdempotentEvent, ProfileCodec, ProfileStore, ProfileUpdate } from './profile-store.js';

/** Options of {@link RedisProfileStore}. */
export interface RedisProfileStoreOptions<P> {
  /**
   * redis://[user:password@]host:port[/db] (rediss:// for TLS): the store connects and
   * disconnects on close. Or a client owned by the caller, which close leaves open.
   */
  connection: string | Redis;
  /** Prepended to every key, so that several deployments can share one Redis. */
  keyPrefix?: string;
  codec?: ProfileCodec<P>;
  dedupeWindowPerUser?: number;
  /**
   * A user's keys expire this long after the user's last write (refreshed by every write);
   * absent = kept until deleted.
   */
  ttlMs?: number;
  /** How often an apply is retried when other writers changed the same user in between. */
  maxAttempts?: number;
  /** Passed to ioredis with a URL connection (timeouts, TLS, retry strategy), over DEFAULT_REDIS_OPTIONS. */
  redisOptions?: RedisOptions;
  /** Told about connection errors of a store-owned client (ioredis keeps reconnecting). */
  onConnectionError?: (error: Error) => void;
}

/** Keys of different deployments on one Redis stay apart by this prefix. */
export const DEFAULT_REDIS_KEY_PREFIX = 'dlrs:profile:';

/**
 * Conflicts need another writer on the same user between a read and a write, a window of a
 * round trip; 64 attempts with jittered backoff outlast dozens of simultaneous writers.
 */
export const DEFAULT_REDIS_MAX_ATTEMPTS = 64;

/**
 * A profile read or write is a millisecond on a healthy Redis; after a second the request
 * is better failed (UNAVAILABLE) than left waiting for a Redis that is gone.
 */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1000;

/** One reconnection attempt per command: a Redis that is down fails calls fast instead of queueing them. */
const DEFAULT_REDIS_OPTIONS: RedisOptions = { commandTimeout: DEFAULT_REDIS_COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1, connectTimeout: 2 * DEFAULT_REDIS_COMMAND_TIMEOUT_MS };

/** The longest pause between two attempts after a conflict. */
const MAX_BACKOFF_MS = 32;

// Compare-and-set of one user's profile and remembered ids. The version is a random token,
// not a counter, so that an erased and re-created profile never matches a stale read (ABA).
// KEYS: profile hash (fields p = profile JSON, v = version token, n = id sequence), id zset.
// ARGV: expected version ('' = no profile), new version, profile JSON, window size, TTL in
// ms ('0' = none), fresh ids…
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'v') or ''
if current ~= ARGV[1] then return 0 end
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
for i = 6, #ARGV do
  n = n + 1
  redis.call('ZADD', KEYS[2], n, ARGV[i])
end
redis.call('HSET', KEYS[1], 'p', ARGV[3], 'v', ARGV[2], 'n', n)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1
`;
const COMPARE_AND_SET_SHA1 = createHash('sha1').update(COMPARE_AND_SET).digest('hex');

/**
 * Profiles in Redis, shared by several gateway replicas. A user's profile and remembered
 * event ids live in two keys with the same hash tag (one cluster slot). An apply reads both
 * in one transaction, runs the update in the gateway, and writes with a Lua compare-and-set
 * that fails when another writer changed the user in between; it then retries from the read.
 * Durability is Redis's: run it with `appendonly yes` (and `appendfsync always` for the
 * guarantee the embedded store gives). Needs Redis 6.2 or later (ZMSCORE). With `ttlMs`, a
 * user's keys expire once the user has not been written for that long, so that Redis holds
 * the active users, not every user ever seen.
 */
export class RedisProfileStore<P, E extends IdempotentEvent> implements ProfileStore<P, E> {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly codec: ProfileCodec<P>;
  private readonly windowSize: number;
  private readonly maxAttempts: number;
  private readonly ttlMs: number;
  private closing: Promise<void> | undefined;

  constructor(options: RedisProfileStoreOptions<P>) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.codec = options.codec ?? jsonProfileCodec<P>();
    this.windowSize = options.dedupeWindowPerUser ?? DEFAULT_DEDUPE_WINDOW_PER_USER;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_REDIS_MAX_ATTEMPTS;
    this.ttlMs = options.ttlMs ?? 0;
    if (options.ttlMs !== undefined && (!Number.isSafeInteger(options.ttlMs) || options.ttlMs < 1)) throw new RangeError(`ttlMs must be a positive integer, got ${options.ttlMs}`);
    if (!Number.isSafeInteger(this.windowSize) || this.windowSize < 1) throw new RangeError(`dedupeWindowPerUser must be a positive integer, got ${this.windowSize}`);
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    this.ownsClient = typeof options.connection === 'string';
    this.redis = typeof options.connection === 'string' ? new Redis(options.connection, { ...DEFAULT_REDIS_OPTIONS, ...options.redisOptions }) : options.connection;
    if (this.ownsClient) this.redis.on('error', (error: Error) => options.onConnectionError?.(error));
  }

  async apply(userId: string, events: readonly E[], update: ProfileUpdate<P, E>): Promise<ApplyResult<P, E>> {
    const [profileKey, idsKey] = this.keys(userId);
    const ids = [...new Set(events.map((event) => event.eventId ?? '').filter((id) => id !== ''))];
    for (let attempt = 1; ; attempt++) {
      const { json, version, seen } = await this.call('read a profile', () => this.read(profileKey, idsKey, ids));
      const { fresh, freshIds, duplicates } = selectFreshEvents(events, (id) => seen.has(id));
      if (fresh.length === 0) return { profile: json === undefined ? undefined : this.codec.decode(json), accepted: 0, applied: [], duplicates };
      const next = update(json === undefined ? undefined : this.codec.decode(json), fresh, userId);
      const args = [version, randomUUID(), this.codec.encode(next), String(this.windowSize), String(this.ttlMs), ...freshIds];
      if ((await this.call('write a profile', () => this.compareAndSet([profileKey, idsKey], args))) === 1) return { profile: next, accepted: fresh.length, applied: fresh, duplicates };
      if (attempt >= this.maxAttempts) throw new DlrsError('UNAVAILABLE', `the profile of user ${JSON.stringify(userId)} changed concurrently ${attempt} times in a row; retry later`);
      await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
    }
  }

  async get(userId: string): Promise<P | undefined> {
    const json = await this.call('read a profile', () => this.redis.hget(this.keys(userId)[0], 'p'));
    return json === null ? undefined : this.codec.decode(json);
  }

  async delete(userId: string): Promise<boolean> {
    // Every write sets the profile hash, so the ids key never exists without it.
    return (await this.call('erase a profile', () => this.redis.del(...this.keys(userId)))) > 0;
  }

  close(): Promise<void> {
    if (!this.ownsClient) return Promise.resolve();
    // QUIT needs a live connection; without one there is nothing to flush.
    this.closing ??= this.redis.status === 'ready' ? this.redis.quit().then(() => undefined, () => this.redis.disconnect()) : Promise.resolve(this.redis.disconnect());
    return this.closing;
  }

  // Redis trouble reaches callers as UNAVAILABLE (retry later), never as an internal error.
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new DlrsError('UNAVAILABLE', `the profile store (Redis) could not ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private keys(userId: string): [string, string] {
    const tag = `${this.keyPrefix}{${userId}}`;
    return [`${tag}:p`, `${tag}:ids`];
  }

  private async read(profileKey: string, idsKey: string, ids: readonly string[]): Promise<{ json: string | undefined; version: string; seen: Set<string> }> {
    let transaction = this.redis.multi().hmget(profileKey, 'p', 'v');
    if (ids.length > 0) transaction = transaction.zmscore(idsKey, ...ids);
    const replies = await transaction.exec();
    if (replies === null) throw new Error('the read transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const [json, version] = replies[0][1] as [string | null, string | null];
    const scores = ids.length > 0 ? (replies[1][1] as (string | null)[]) : [];
    return { json: json ?? undefined, version: version ?? '', seen: new Set(ids.filter((_, i) => scores[i] !== null)) };
  }

  private async compareAndSet(keys: [string, string], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(COMPARE_AND_SET_SHA1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(COMPARE_AND_SET, keys.length, ...keys, ...args);
    }
  }
}
