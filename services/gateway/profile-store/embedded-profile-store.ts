import type { DurableFs } from '../../../shared/durable-io/index.js';
import { AppendOnlyLog } from './append-only-log.js';
import type { AppendOnlyLogStats } from './append-only-log.js';
import { DedupeWindow } from './dedupe-window.js';
import { selectFreshEvents } from './fresh-events.js';
import { DEFAULT_DEDUPE_WINDOW_PER_USER, jsonProfileCodec } from './profile-store.js';
import type { ApplyResult, IdempotentEvent, ProfileCodec, ProfileStore, ProfileUpdate } from './profile-store.js';

/** Why a profile left the embedded store without being deleted. */
export type ProfileEvictionReason = 'cap' | 'idle';

/** Options of {@link EmbeddedProfileStore.open}. */
export interface EmbeddedProfileStoreOptions<P> {
  /** The store's append-only file (created when absent; its folder must exist). */
  path: string;
  codec?: ProfileCodec<P>;
  dedupeWindowPerUser?: number;
  /** The file is rewritten once it exceeds both this size and `compactionRatio` times the live state. */
  compactionMinBytes?: number;
  compactionRatio?: number;
  /** At most this many profiles are kept; a new user beyond it evicts the least recently written one. */
  maxUsers?: number;
  /** A profile not written for this long is evicted; absent = kept until the cap evicts it. */
  idleTtlMs?: number;
  /** Told about evictions (for metrics); not called for those redone while the file is replayed at open. */
  onEvicted?: (reason: ProfileEvictionReason, count: number) => void;
  /** Told when the store cannot write (the error) and when it can again (undefined): readiness follows it. */
  onWritableChange?: (failure: Error | undefined) => void;
  /** Told when a compaction rewrote the file, with its sizes before and after. */
  onCompacted?: (fromBytes: number, toBytes: number) => void;
  /** Told about an abandoned compaction (the old file stays in use; retried after `retryInMs`). */
  onCompactionFailed?: (error: Error, retryInMs: number) => void;
  /** The file layer; the real file system when absent. */
  fs?: DurableFs;
  /** The clock of write times and the idle TTL. */
  now?: () => number;
}

/** Counters of an open embedded store. */
export interface EmbeddedProfileStoreStats extends AppendOnlyLogStats {
  users: number;
  /** Approximate size of a rewrite of the live state. */
  liveBytes: number;
  /** Profiles evicted since open, by reason. */
  evictions: Record<ProfileEvictionReason, number>;
}

/**
 * Below this size a rewrite saves too little to be worth it; 64 MiB replays in about a
 * second on a laptop disk.
 */
export const DEFAULT_COMPACTION_MIN_BYTES = 64 * 1024 * 1024;

/** Rewriting when the file is twice the live state bounds the disk use at about twice the state. */
export const DEFAULT_COMPACTION_RATIO = 2;

/**
 * A rich profile (MovieLens-like: 20 genres, 100 tags, a year, a bag of 20 items) with a full
 * window of 128 UUID event ids takes about 17 KiB of heap and 10.5 KiB of file; 20,000 of
 * them are about 350 MiB of heap, what a gateway pod with a 1 GiB limit can hold beside its
 * caches. More active users than that belong in Redis.
 */
export const DEFAULT_MAX_PROFILES = 20_000;

/** Expired profiles are looked for this often at most (they are also dropped when next read). */
const MAX_SWEEP_INTERVAL_MS = 60_000;
const MIN_SWEEP_INTERVAL_MS = 1000;

// Per-user fixed part of a rewrite record ({"t":"s","u":…,"at":…,"ids":[…],"p":…} and the frame).
const RECORD_OVERHEAD_CHARS = 60;
const ID_OVERHEAD_CHARS = 3;

interface UserState {
  json: string;
  window: DedupeWindow;
  /** When the profile was last written (ms since the epoch). */
  atMs: number;
}

// 'a': a change (full profile after it, the ids it applied); 's': a user's full state (the
// rewrite's records, which replace whatever came before); 'd': an erasure.
type LogRecord = { t: 'a' | 's'; u: string; at: number | undefined; ids: string[]; p: unknown } | { t: 'd'; u: string };

/**
 * The single-machine profile store: every profile in memory as JSON text, every change
 * first appended to a file and applied in memory only once it is durable (fdatasync;
 * concurrent writers share one sync), so reads never see an unacknowledged change and a
 * failed write changes nothing. Writes of one user take turns; different users' share
 * syncs. A record holds a user's full profile after the change, the event ids it applied
 * and its time, so the replay at start is deterministic and needs neither the update
 * function nor item features.
 *
 * Bounded: at most `maxUsers` profiles (the least recently written is evicted) and, with
 * `idleTtlMs`, none idle for longer. Evictions are not written: the replay at open applies
 * the same bounds, and a compaction (the file is rewritten as one record per live user
 * once it outgrows the live state) drops the evicted users from the file.
 */
export class EmbeddedProfileStore<P, E extends IdempotentEvent> implements ProfileStore<P, E> {
  // In order of the last write (a write moves its user to the end): the first is the one to evict.
  private readonly users = new Map<string, UserState>();
  private readonly turns = new Map<string, Promise<void>>();
  private liveChars = 0;
  private log: AppendOnlyLog | undefined;
  private closed = false;
  private replaying = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly evictions: Record<ProfileEvictionReason, number> = { cap: 0, idle: 0 };
  private readonly codec: ProfileCodec<P>;
  private readonly windowSize: number;
  private readonly compactionMinBytes: number;
  private readonly compactionRatio: number;
  private readonly maxUsers: number;
  private readonly idleTtlMs: number | undefined;
  private readonly now: () => number;

  private constructor(private readonly options: EmbeddedProfileStoreOptions<P>) {
    this.codec = options.codec ?? jsonProfileCodec<P>();
    this.windowSize = positiveInteger('dedupeWindowPerUser', options.dedupeWindowPerUser ?? DEFAULT_DEDUPE_WINDOW_PER_USER);
    this.compactionMinBytes = positiveInteger('compactionMinBytes', options.compactionMinBytes ?? DEFAULT_COMPACTION_MIN_BYTES);
    this.compactionRatio = options.compactionRatio ?? DEFAULT_COMPACTION_RATIO;
    if (!(this.compactionRatio > 1)) throw new RangeError(`compactionRatio must be > 1, got ${this.compactionRatio}`);
    this.maxUsers = positiveInteger('maxUsers', options.maxUsers ?? DEFAULT_MAX_PROFILES);
    if (options.idleTtlMs !== undefined) positiveInteger('idleTtlMs', options.idleTtlMs);
    this.idleTtlMs = options.idleTtlMs;
    this.now = options.now ?? Date.now;
  }

  /** Opens the store at `options.path`, replaying its file. */
  static async open<P, E extends IdempotentEvent>(options: EmbeddedProfileStoreOptions<P>): Promise<EmbeddedProfileStore<P, E>> {
    const store = new EmbeddedProfileStore<P, E>(options);
    store.replaying = true;
    store.log = await AppendOnlyLog.open({
      path: options.path,
      fs: options.fs,
      now: options.now,
      onRecord: (payload) => store.replay(payload),
      shouldCompact: (fileBytes) => fileBytes > store.compactionMinBytes && fileBytes > store.compactionRatio * store.liveChars,
      snapshot: () => store.snapshot(),
      onWritableChange: options.onWritableChange,
      onCompacted: options.onCompacted,
      onCompactionFailed: options.onCompactionFailed,
    });
    store.sweepExpired();
    store.replaying = false;
    if (store.idleTtlMs !== undefined) {
      const intervalMs = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, Math.floor(store.idleTtlMs / 10)));
      store.sweepTimer = setInterval(() => store.sweepExpired(), intervalMs);
      store.sweepTimer.unref();
    }
    return store;
  }

  async apply(userId: string, events: readonly E[], update: ProfileUpdate<P, E>): Promise<ApplyResult<P, E>> {
    const log = this.openLog();
    return this.inTurn(userId, async () => {
      const state = this.live(userId);
      const { fresh, freshIds, duplicates } = selectFreshEvents(events, (id) => state?.window.has(id) ?? false);
      // What is in memory is durable, duplicates included: nothing to wait for.
      if (fresh.length === 0) return { profile: state === undefined ? undefined : this.codec.decode(state.json), accepted: 0, applied: [], duplicates };
      const next = update(state === undefined ? undefined : this.codec.decode(state.json), fresh, userId);
      const json = this.codec.encode(next);
      const atMs = this.now();
      await log.append(`{"t":"a","u":${JSON.stringify(userId)},"at":${atMs},"ids":${JSON.stringify(freshIds)},"p":${json}}`, () => this.install(userId, json, freshIds, atMs, false));
      return { profile: next, accepted: fresh.length, applied: fresh, duplicates };
    });
  }

  async get(userId: string): Promise<P | undefined> {
    this.openLog();
    const state = this.live(userId);
    return state === undefined ? undefined : this.codec.decode(state.json);
  }

  async delete(userId: string): Promise<boolean> {
    const log = this.openLog();
    return this.inTurn(userId, async () => {
      // An expired profile is erased from the file too (a longer TTL must not bring it back).
      const present = this.users.get(userId);
      if (present === undefined) return false;
      const live = this.live(userId) !== undefined;
      await log.append(`{"t":"d","u":${JSON.stringify(userId)}}`, () => this.remove(userId));
      return live;
    });
  }

  /** Why the store cannot write, or undefined when it can. */
  get writeFailure(): Error | undefined {
    return this.openLog().failure;
  }

  stats(): EmbeddedProfileStoreStats {
    return { ...this.openLog().stats(), users: this.users.size, liveBytes: this.liveChars, evictions: { ...this.evictions } };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    await this.log?.close();
  }

  private openLog(): AppendOnlyLog {
    if (this.log === undefined || this.closed) throw new Error('the embedded profile store is not open');
    return this.log;
  }

  // One change of a user at a time: the next reads the state the previous one made durable.
  private inTurn<T>(userId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(userId);
    const run = previous === undefined ? task() : previous.then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(userId, settled);
    void settled.then(() => {
      if (this.turns.get(userId) === settled) this.turns.delete(userId);
    });
    return run;
  }

  /** The user's state, unless it expired (it is then evicted). */
  private live(userId: string): UserState | undefined {
    const state = this.users.get(userId);
    if (state === undefined || !this.expired(state, this.now())) return state;
    this.remove(userId);
    this.countEviction('idle', 1);
    return undefined;
  }

  private expired(state: UserState, nowMs: number): boolean {
    return this.idleTtlMs !== undefined && state.atMs + this.idleTtlMs <= nowMs;
  }

  private install(userId: string, json: string, ids: readonly string[], atMs: number, replaceWindow: boolean): void {
    let state = this.users.get(userId);
    // A profile that had expired by the time of this write starts afresh, as it did live.
    if (state !== undefined && (replaceWindow || this.expired(state, atMs))) {
      this.remove(userId);
      state = undefined;
    }
    if (state === undefined) {
      state = { json, window: new DedupeWindow(this.windowSize), atMs };
      this.liveChars += RECORD_OVERHEAD_CHARS + userId.length;
    } else {
      this.liveChars -= state.json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
      state.json = json;
      state.atMs = atMs;
      this.users.delete(userId);
    }
    this.users.set(userId, state);
    for (const id of ids) state.window.add(id);
    this.liveChars += json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
    let evicted = 0;
    for (const [oldest] of this.users) {
      if (this.users.size <= this.maxUsers) break;
      this.remove(oldest);
      evicted++;
    }
    this.countEviction('cap', evicted);
  }

  private remove(userId: string): void {
    const state = this.users.get(userId);
    if (state === undefined) return;
    this.liveChars -= RECORD_OVERHEAD_CHARS + userId.length + state.json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
    this.users.delete(userId);
  }

  // The map is in write order, so the expired ones are at its start.
  private sweepExpired(): void {
    if (this.idleTtlMs === undefined) return;
    const nowMs = this.now();
    let evicted = 0;
    for (const [userId, state] of this.users) {
      if (!this.expired(state, nowMs)) break;
      this.remove(userId);
      evicted++;
    }
    this.countEviction('idle', evicted);
  }

  private countEviction(reason: ProfileEvictionReason, count: number): void {
    if (count === 0 || this.replaying) return;
    this.evictions[reason] += count;
    this.options.onEvicted?.(reason, count);
  }

  private replay(payload: string): void {
    const record = parseRecord(payload);
    // Records written before write times were recorded count as written now.
    if (record.t === 'd') this.remove(record.u);
    else this.install(record.u, JSON.stringify(record.p), record.ids, record.at ?? this.now(), record.t === 's');
  }

  // Iterated while writes go on; a user written meanwhile moves to the end and comes again
  // with its newer state, which replaces the older one at replay.
  private *snapshot(): Iterable<string> {
    for (const [userId, state] of this.users) {
      yield `{"t":"s","u":${JSON.stringify(userId)},"at":${state.atMs},"ids":${JSON.stringify(state.window.toArray())},"p":${state.json}}`;
    }
  }
}

function parseRecord(payload: string): LogRecord {
  const record = JSON.parse(payload) as Partial<{ t: unknown; u: unknown; at: unknown; ids: unknown; p: unknown }>;
  if (typeof record.u !== 'string') throw new Error('record without a user id');
  if (record.t === 'd') return { t: 'd', u: record.u };
  if ((record.t === 'a' || record.t === 's') && Array.isArray(record.ids) && record.ids.every((id) => typeof id === 'string') && record.p !== undefined) {
    if (record.at !== undefined && typeof record.at !== 'number') throw new Error('record with a non-numeric time');
    return { t: record.t, u: record.u, at: record.at, ids: record.ids as string[], p: record.p };
  }
  throw new Error(`unknown record type ${JSON.stringify(record.t)}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
