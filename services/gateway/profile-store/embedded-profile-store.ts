import { AppendOnlyLog } from './append-only-log.js';
import type { AppendOnlyLogStats } from './append-only-log.js';
import { DedupeWindow } from './dedupe-window.js';
import { selectFreshEvents } from './fresh-events.js';
import { DEFAULT_DEDUPE_WINDOW_PER_USER, jsonProfileCodec } from './profile-store.js';
import type { ApplyResult, IdempotentEvent, ProfileCodec, ProfileStore, ProfileUpdate } from './profile-store.js';

/** Options of {@link EmbeddedProfileStore.open}. */
export interface EmbeddedProfileStoreOptions<P> {
  /** The store's append-only file (created when absent; its folder must exist). */
  path: string;
  codec?: ProfileCodec<P>;
  dedupeWindowPerUser?: number;
  /** The file is rewritten once it exceeds both this size and `compactionRatio` times the live state. */
  compactionMinBytes?: number;
  compactionRatio?: number;
}

/** Counters of an open embedded store. */
export interface EmbeddedProfileStoreStats extends AppendOnlyLogStats {
  users: number;
  /** Approximate size of a rewrite of the live state. */
  liveBytes: number;
}

/**
 * Below this size a rewrite saves too little to be worth it; 64 MiB replays in about a
 * second on a laptop disk.
 */
export const DEFAULT_COMPACTION_MIN_BYTES = 64 * 1024 * 1024;

/** Rewriting when the file is twice the live state bounds the disk use at about twice the state. */
export const DEFAULT_COMPACTION_RATIO = 2;

// Per-user fixed part of a rewrite record ({"t":"a","u":…,"ids":[…],"p":…} and the frame).
const RECORD_OVERHEAD_CHARS = 40;
const ID_OVERHEAD_CHARS = 3;

interface UserState {
  json: string;
  window: DedupeWindow;
}

type LogRecord = { t: 'a'; u: string; ids: string[]; p: unknown } | { t: 'd'; u: string };

/**
 * The single-machine profile store: every profile in memory as JSON text, every change
 * first appended to a file and acknowledged only after fdatasync (concurrent writers share
 * one sync). A record holds a user's full profile after the change and the event ids it
 * applied, so the replay at start is deterministic and needs neither the update function
 * nor item features. When the file outgrows the live state it is rewritten as one record
 * per user. Reads see a change from the moment it is applied, possibly before its sync
 * completes; no acknowledgement, not even of a duplicate, precedes the sync of what it
 * depends on.
 */
export class EmbeddedProfileStore<P, E extends IdempotentEvent> implements ProfileStore<P, E> {
  private readonly users = new Map<string, UserState>();
  private liveChars = 0;
  private log: AppendOnlyLog | undefined;
  private closed = false;
  private readonly codec: ProfileCodec<P>;
  private readonly windowSize: number;
  private readonly compactionMinBytes: number;
  private readonly compactionRatio: number;

  private constructor(options: EmbeddedProfileStoreOptions<P>) {
    this.codec = options.codec ?? jsonProfileCodec<P>();
    this.windowSize = positiveInteger('dedupeWindowPerUser', options.dedupeWindowPerUser ?? DEFAULT_DEDUPE_WINDOW_PER_USER);
    this.compactionMinBytes = positiveInteger('compactionMinBytes', options.compactionMinBytes ?? DEFAULT_COMPACTION_MIN_BYTES);
    this.compactionRatio = options.compactionRatio ?? DEFAULT_COMPACTION_RATIO;
    if (!(this.compactionRatio > 1)) throw new RangeError(`compactionRatio must be > 1, got ${this.compactionRatio}`);
  }

  /** Opens the store at `options.path`, replaying its file. */
  static async open<P, E extends IdempotentEvent>(options: EmbeddedProfileStoreOptions<P>): Promise<EmbeddedProfileStore<P, E>> {
    const store = new EmbeddedProfileStore<P, E>(options);
    store.log = await AppendOnlyLog.open({
      path: options.path,
      onRecord: (payload) => store.replay(payload),
      shouldCompact: (fileBytes) => fileBytes > store.compactionMinBytes && fileBytes > store.compactionRatio * store.liveChars,
      snapshot: () => store.snapshot(),
    });
    return store;
  }

  async apply(userId: string, events: readonly E[], update: ProfileUpdate<P, E>): Promise<ApplyResult<P, E>> {
    const log = this.openLog();
    const state = this.users.get(userId);
    const { fresh, freshIds, duplicates } = selectFreshEvents(events, (id) => state?.window.has(id) ?? false);
    if (fresh.length === 0) {
      // The events these duplicate may still be waiting for their sync.
      await log.durable();
      return { profile: state === undefined ? undefined : this.codec.decode(state.json), accepted: 0, applied: [], duplicates };
    }
    const next = update(state === undefined ? undefined : this.codec.decode(state.json), fresh, userId);
    const json = this.codec.encode(next);
    const written = log.append(`{"t":"a","u":${JSON.stringify(userId)},"ids":${JSON.stringify(freshIds)},"p":${json}}`);
    this.install(userId, json, freshIds);
    await written;
    return { profile: next, accepted: fresh.length, applied: fresh, duplicates };
  }

  async get(userId: string): Promise<P | undefined> {
    this.openLog();
    const state = this.users.get(userId);
    return state === undefined ? undefined : this.codec.decode(state.json);
  }

  async delete(userId: string): Promise<boolean> {
    const log = this.openLog();
    if (!this.users.has(userId)) {
      await log.durable();
      return false;
    }
    const written = log.append(`{"t":"d","u":${JSON.stringify(userId)}}`);
    this.remove(userId);
    await written;
    return true;
  }

  stats(): EmbeddedProfileStoreStats {
    return { ...this.openLog().stats(), users: this.users.size, liveBytes: this.liveChars };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.log?.close();
  }

  private openLog(): AppendOnlyLog {
    if (this.log === undefined || this.closed) throw new Error('the embedded profile store is not open');
    const failure = this.log.failed;
    // Memory may hold changes the file lost: serve nothing until a restart replays the file.
    if (failure) throw failure;
    return this.log;
  }

  private install(userId: string, json: string, ids: readonly string[]): void {
    let state = this.users.get(userId);
    if (state === undefined) {
      state = { json, window: new DedupeWindow(this.windowSize) };
      this.users.set(userId, state);
      this.liveChars += RECORD_OVERHEAD_CHARS + userId.length;
    } else {
      this.liveChars -= state.json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
      state.json = json;
    }
    for (const id of ids) state.window.add(id);
    this.liveChars += json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
  }

  private remove(userId: string): void {
    const state = this.users.get(userId);
    if (state === undefined) return;
    this.liveChars -= RECORD_OVERHEAD_CHARS + userId.length + state.json.length + state.window.chars + ID_OVERHEAD_CHARS * state.window.size;
    this.users.delete(userId);
  }

  private replay(payload: string): void {
    const record = parseRecord(payload);
    if (record.t === 'a') this.install(record.u, JSON.stringify(record.p), record.ids);
    else this.remove(record.u);
  }

  private *snapshot(): Iterable<string> {
    for (const [userId, state] of this.users) {
      yield `{"t":"a","u":${JSON.stringify(userId)},"ids":${JSON.stringify(state.window.toArray())},"p":${state.json}}`;
    }
  }
}

function parseRecord(payload: string): LogRecord {
  const record = JSON.parse(payload) as Partial<{ t: unknown; u: unknown; ids: unknown; p: unknown }>;
  if (typeof record.u !== 'string') throw new Error('record without a user id');
  if (record.t === 'd') return { t: 'd', u: record.u };
  if (record.t === 'a' && Array.isArray(record.ids) && record.ids.every((id) => typeof id === 'string') && record.p !== undefined) {
    return { t: 'a', u: record.u, ids: record.ids as string[], p: record.p };
  }
  throw new Error(`unknown record type ${JSON.stringify(record.t)}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
