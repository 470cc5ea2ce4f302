import type { AttributeField } from '../store/attribute-index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { nodeDurableFs } from '../../../shared/durable-io/index.js';
import type { DurableFs } from '../../../shared/durable-io/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { EmbeddedItems } from '../../../shared/item-net/index.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { SearchTuning } from '../search/filtered-search.js';
import { IndexedStore } from '../store/indexed-store.js';
import type { DeleteResult } from '../store/indexed-store.js';
import type { LogEntry, LogRecord } from './log-record.js';
import { readLog } from './read-log.js';
import type { WalRepair } from './read-log.js';
import { captureSnapshot, persistSnapshot, pruneSnapshots, readLatestSnapshot, setSnapshotAside } from './snapshot.js';
import type { WrittenSnapshot } from './snapshot.js';
import type { ShardIndexOptions } from '../hnsw/index-thread.js';
import { WriteAheadLog } from './write-ahead-log.js';

/** Where a shard keeps its data and how it indexes it. */
export interface DurableShardOptions {
  dataDir: string;
  /** HNSW settings; the dimension is the model's. */
  index: Omit<ShardIndexOptions, 'dim'>;
  tuning?: Readonly<SearchTuning>;
  /** A snapshot is written in the background once this many log records accumulated since the last one. */
  snapshotAfterRecords: number;
  /** Snapshots kept on disk (the newest ones). */
  snapshotsKept: number;
  /** Start-up phases, log write failures and background snapshot failures are logged here. */
  logger: Logger;
  /** What replay does with a damaged log: refuse to open (default 'off') or drop it from the damaged record on. */
  walRepair?: WalRepair;
  /** The file system underneath (tests inject faults here); the real one by default. */
  fs?: DurableFs;
}

/** What a shard needs from the model while it recovers. */
export interface RecoveryModel {
  /** The model version the shard serves. */
  modelVersion: string;
  /** Its embedding dimension. */
  dim: number;
  /** The item features of its feature spec (filterable attributes). */
  fields: readonly AttributeField[];
  /** The catalog to start from when the data directory holds no snapshot. */
  initialItems: () => Promise<readonly Item[]>;
  /** The served bundle's whole item list, in its order: an item's index is its row in a ranking replica's table (SearchResult.bundle_rows). */
  bundleItems: () => Promise<readonly Item[]>;
  /** Embeds items with the served model (for the initial catalog, and for data of another version). */
  embed: (items: readonly Item[]) => Promise<EmbeddedItems>;
}

/** Why 2: the newest snapshot, and the previous one in case the newest turns out unreadable. */
export const DEFAULT_SNAPSHOTS_KEPT = 2;
/** Why 3: each round embeds only what changed during the previous one, so the rounds shrink fast; the last round runs with mutations paused. */
const MAX_CATCH_UP_ROUNDS = 3;
/** Why 10 s: far longer than any search, however deep, so no search started on a replaced state loses its index. */
const RETIRED_STATE_GRACE_MS = 10_000;
/** Why 100 000: replaying that many logged upserts takes seconds, a fraction of a snapshot of a large shard. */
export const DEFAULT_SNAPSHOT_AFTER_RECORDS = 100_000;

/**
 * A shard state that survives crashes: every mutation is appended to the
 * write-ahead log and applied in log order; it is acknowledged once it is
 * both applied and fsynced. Start-up loads the newest snapshot and replays the
 * log records after it.
 */
export class DurableShard {
  readonly options: Readonly<DurableShardOptions>;
  private readonly fs: DurableFs;
  private current: IndexedStore;
  private readonly log: WriteAheadLog;
  private applying: Promise<unknown> = Promise.resolve();
  private appliedSeq: number;
  private snapshotSeq: number;
  private snapshotAtMs: number;
  private snapshotting: Promise<WrittenSnapshot> | undefined;
  private model: RecoveryModel;
  /** While a model switch runs: the ids mutated since it started. */
  private switching: Set<string> | undefined;
  private closed = false;

  private constructor(options: DurableShardOptions, fs: DurableFs, model: RecoveryModel, state: IndexedStore, log: WriteAheadLog, appliedSeq: number, snapshotSeq: number, snapshotAtMs: number) {
    this.options = options;
    this.fs = fs;
    this.model = model;
    this.current = state;
    this.log = log;
    this.appliedSeq = appliedSeq;
    this.snapshotSeq = snapshotSeq;
    this.snapshotAtMs = snapshotAtMs;
  }

  /**
   * Recovers the shard from `dataDir`: newest intact snapshot (or the initial
   * catalog) plus the log tail. Data embedded by another model version is
   * re-embedded. A snapshot is written at once when none matched the served
   * version or a damaged one was skipped. Rejects with FAILED_PRECONDITION,
   * naming the file, when the snapshots and the log cannot rebuild every
   * acknowledged write (see read-log.ts for the log's checks and repair).
   */
  static async open(options: DurableShardOptions, model: RecoveryModel): Promise<DurableShard> {
    const fs = options.fs ?? nodeDurableFs;
    await fs.mkdir(options.dataDir, { recursive: true });
    const { logger } = options;
    const snapshot = await readLatestSnapshot(options.dataDir, options.index, {
      tuning: options.tuning,
      fs,
      onDamaged: (path, error) => logger.error({ err: error, path }, 'snapshot damaged, trying an older one'),
    });
    if (snapshot !== undefined) logger.info({ items: snapshot.meta.itemCount, seq: snapshot.meta.seq, modelVersion: snapshot.meta.modelVersion }, 'snapshot loaded');
    let state: IndexedStore;
    if (snapshot !== undefined && snapshot.meta.modelVersion === model.modelVersion) {
      state = snapshot.state;
    } else {
      const items = snapshot === undefined ? await model.initialItems() : [...snapshot.state.store.liveSlots()].map((slot) => snapshot.state.store.itemAt(slot) as Item);
      await snapshot?.state.close();
      state = await IndexedStore.create(model.fields, { ...options.index, dim: model.dim }, model.modelVersion, options.tuning);
      logger.info({ items: items.length, modelVersion: model.modelVersion, from: snapshot === undefined ? 'catalog' : 'snapshot of another model' }, 'embedding items');
      const embedded = await model.embed(items);
      logger.info({ items: items.length }, 'indexing items');
      await state.upsert(items, embedded.embeddings, embedded.biases);
    }
    const snapshotSeq = snapshot?.meta.seq ?? 0;
    let log: WriteAheadLog;
    let lastSeq: number;
    try {
      const tail = await readLog(options.dataDir, snapshotSeq, { fs, repair: options.walRepair, logger });
      lastSeq = tail.at(-1)?.seq ?? snapshotSeq;
      const newestSkipped = snapshot?.skipped[0];
      if (newestSkipped !== undefined && lastSeq < newestSkipped.seq) {
        throw new DlrsError(
          'FAILED_PRECONDITION',
          `snapshot ${newestSkipped.path} is damaged and the log after the older snapshot ends at seq ${lastSeq}, short of its seq ${newestSkipped.seq}; restore the data directory from a backup`,
        );
      }
      for (const entry of tail) await applyRecord(state, entry, model);
      if (tail.length > 0) logger.info({ records: tail.length }, 'log replayed');
      logger.info({ items: state.store.size, bundleRows: state.store.markBundleRows(await model.bundleItems()) }, 'bundle rows flagged');
      // The log has stood in for the damaged snapshots: set them aside so they no longer count among those kept.
      for (const damaged of snapshot?.skipped ?? []) logger.warn({ path: damaged.path, movedTo: await setSnapshotAside(damaged.path, fs) }, 'damaged snapshot set aside');
      log = await WriteAheadLog.open({ dir: options.dataDir, nextSeq: lastSeq + 1, fs, logger });
    } catch (error) {
      await state.close();
      throw error;
    }
    const shard = new DurableShard(options, fs, model, state, log, lastSeq, snapshotSeq, snapshot?.meta.createdAtMs ?? 0);
    // A fresh snapshot also replaces a damaged one among those kept.
    if (snapshot === undefined || snapshot.meta.modelVersion !== model.modelVersion || snapshot.skipped.length > 0) await shard.snapshot();
    return shard;
  }

  /** The served state; replaced as a whole on a model switch. */
  get state(): IndexedStore {
    return this.current;
  }

  /** Log records written since the last snapshot. */
  get recordsSinceSnapshot(): number {
    return this.log.nextSequence - 1 - this.snapshotSeq;
  }

  /** When the last snapshot was written, ms since the epoch (0 = never). */
  get lastSnapshotMs(): number {
    return this.snapshotAtMs;
  }

  /**
   * Adds or replaces items embedded by `modelVersion`. Resolves once durable
   * and applied, with the model version whose embeddings were stored: items
   * embedded by a version the shard no longer serves are re-embedded first.
   * Rejects with UNAVAILABLE, changing nothing, when the log write fails.
   */
  async upsert(items: readonly Item[], embedded: EmbeddedItems, modelVersion: string): Promise<string> {
    const applied = await this.mutate({ kind: 'upsert', modelVersion, dim: embedded.embeddings.length / Math.max(1, items.length), items: [...items], ...embedded });
    return applied.modelVersion;
  }

  /** Removes items; resolves once durable and applied (UNAVAILABLE, changing nothing, when the log write fails). */
  async delete(ids: readonly string[]): Promise<DeleteResult> {
    const applied = await this.mutate({ kind: 'delete', ids: [...ids] });
    return applied.deleted ?? { deleted: 0, notFound: [] };
  }

  /**
   * Serves another model: embeds and indexes the current items with it in
   * the background while the old state keeps serving, catches up with the
   * mutations made meanwhile, then switches in one step between two
   * mutations and writes a snapshot of the new state.
   */
  async switchModel(model: RecoveryModel): Promise<void> {
    if (this.switching) throw new Error('a model switch is already in progress');
    const changed = new Set<string>();
    this.switching = changed;
    const old = this.current;
    let next: IndexedStore | undefined;
    try {
      const items = [...old.store.liveSlots()].map((slot) => old.store.itemAt(slot) as Item);
      const building = await IndexedStore.create(model.fields, { ...this.options.index, dim: model.dim }, model.modelVersion, this.options.tuning);
      next = building;
      const embedded = await model.embed(items);
      await building.upsert(items, embedded.embeddings, embedded.biases);
      // Before the catch-up: an item it re-embeds is no longer flagged.
      building.store.markBundleRows(await model.bundleItems());
      // Catch up outside the mutation queue while changes keep coming, then once more inside it.
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS && changed.size > 0; round++) await this.catchUp(building, changed, model);
      await this.inOrder(undefined, async () => {
        await this.catchUp(building, changed, model);
        this.current = building;
        this.model = model;
      });
    } catch (error) {
      await next?.close();
      throw error;
    } finally {
      this.switching = undefined;
    }
    // Searches that began on the old state may still ask its index for deeper candidates.
    setTimeout(() => void old.close(), RETIRED_STATE_GRACE_MS).unref();
    await this.snapshot();
  }

  /** Writes a snapshot now (joining one in progress) and drops the log it covers. */
  snapshot(): Promise<WrittenSnapshot> {
    this.snapshotting ??= this.writeSnapshot().finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  /** Waits for mutations and a snapshot in progress, then closes the log; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.applying;
    await this.snapshotting?.catch(() => undefined);
    await this.log.close();
    await this.current.close();
  }

  /** Runs mutations one at a time, in the order of the calls (the log's order); `seq` is the log record applied, if any. */
  private inOrder<T>(seq: number | undefined, mutate: () => T | Promise<T>): Promise<T> {
    const run = this.applying.then(mutate).then((result) => {
      if (seq !== undefined) this.appliedSeq = seq;
      return result;
    });
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** Logs a mutation and applies it once it is on disk: the served state never holds a write the log lacks. */
  private async mutate(record: LogRecord): Promise<AppliedRecord> {
    const { seq, durable } = this.log.append(record);
    // Queued at once so mutations apply in log order; concurrent appends still share one fsync.
    const applied = await this.inOrder(seq, async () => {
      await durable;
      return this.applyEntry({ ...record, seq });
    });
    this.snapshotWhenDue();
    return applied;
  }

  /** Applies a log record to the served state. */
  private async applyEntry(entry: LogEntry): Promise<AppliedRecord> {
    const ids = entry.kind === 'upsert' ? entry.items.map((item) => item.id) : entry.ids;
    for (const id of ids) this.switching?.add(id);
    return applyRecord(this.current, entry, this.model);
  }

  /** Brings `next` up to date with the ids changed in the served state, emptying `changed`. */
  private async catchUp(next: IndexedStore, changed: Set<string>, model: RecoveryModel): Promise<void> {
    const ids = [...changed];
    changed.clear();
    const current = this.current.store;
    const present = ids.map((id) => current.slotOf(id)).filter((slot) => slot !== undefined).map((slot) => current.itemAt(slot) as Item);
    await next.delete(ids.filter((id) => current.slotOf(id) === undefined));
    const embedded = await model.embed(present);
    await next.upsert(present, embedded.embeddings, embedded.biases);
  }

  private async writeSnapshot(): Promise<WrittenSnapshot> {
    // Mutations wait while the state is captured (searches do not), so the index file and the store copies agree.
    const captured = await this.inOrder(undefined, () => captureSnapshot(this.options.dataDir, this.current, this.appliedSeq, this.fs));
    const seq = captured.meta.seq;
    const written = await persistSnapshot(captured);
    const oldestKeptSeq = await pruneSnapshots(this.options.dataDir, this.options.snapshotsKept, this.fs);
    // The log reaches back to the oldest snapshot kept, so that one can stand in for a damaged newest.
    await this.log.rotate(oldestKeptSeq);
    this.snapshotSeq = seq;
    this.snapshotAtMs = written.meta.createdAtMs;
    return written;
  }

  private snapshotWhenDue(): void {
    if (this.closed || this.snapshotting !== undefined || this.recordsSinceSnapshot < this.options.snapshotAfterRecords) return;
    // A failed background snapshot leaves the log intact; the next trigger retries.
    this.snapshot().catch((error: unknown) => this.options.logger.error({ err: error }, 'background snapshot failed'));
  }
}

/** What applying a record did: the model version of the stored embeddings, and a delete's result. */
interface AppliedRecord {
  modelVersion: string;
  deleted: DeleteResult | undefined;
}

/** Applies a log record; items embedded by another model version are re-embedded with `model` (the state's). */
async function applyRecord(state: IndexedStore, entry: LogEntry, model: RecoveryModel): Promise<AppliedRecord> {
  if (entry.kind === 'delete') return { modelVersion: state.modelVersion, deleted: await state.delete(entry.ids) };
  const embedded = entry.modelVersion === state.modelVersion ? entry : await model.embed(entry.items);
  await state.upsert(entry.items, embedded.embeddings, embedded.biases);
  return { modelVersion: state.modelVersion, deleted: undefined };
}
