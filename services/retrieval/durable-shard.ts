import { mkdir } from 'node:fs/promises';
import type { AttributeField } from './attribute-index.js';
import type { Item } from '../../shared/features/index.js';
import type { SearchTuning } from './filtered-search.js';
import { IndexedStore } from './indexed-store.js';
import type { DeleteResult } from './indexed-store.js';
import { pruneSnapshots, readLatestSnapshot, writeSnapshot } from './snapshot.js';
import type { WrittenSnapshot } from './snapshot.js';
import type { VectorIndexOptions } from './vector-index.js';
import { readLog, WriteAheadLog } from './write-ahead-log.js';
import type { LogEntry } from './write-ahead-log.js';

/** Embeddings and biases of a list of items, row-aligned. */
export interface EmbeddedItems {
  /** items.length × dim float32. */
  embeddings: Float32Array;
  biases: Float32Array;
}

/** Where a shard keeps its data and how it indexes it. */
export interface DurableShardOptions {
  dataDir: string;
  fields: readonly AttributeField[];
  indexOptions: VectorIndexOptions;
  tuning?: Readonly<SearchTuning>;
  /** A snapshot is written in the background once this many log records accumulated since the last one. */
  snapshotAfterRecords: number;
  /** Snapshots kept on disk (the newest ones). */
  snapshotsKept: number;
}

/** What a shard needs from the model while it recovers. */
export interface RecoveryModel {
  /** The model version the shard serves. */
  modelVersion: string;
  /** The catalog to start from when the data directory holds no snapshot. */
  initialItems: () => Promise<readonly Item[]>;
  /** Embeds items with the served model (for the initial catalog, and for data of another version). */
  embed: (items: readonly Item[]) => Promise<EmbeddedItems>;
}

/** Why 2: the newest snapshot, and the previous one in case the newest turns out unreadable. */
export const DEFAULT_SNAPSHOTS_KEPT = 2;
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
  private current: IndexedStore;
  private readonly log: WriteAheadLog;
  private applying: Promise<unknown> = Promise.resolve();
  private appliedSeq: number;
  private snapshotSeq: number;
  private snapshotAtMs: number;
  private snapshotting: Promise<WrittenSnapshot> | undefined;
  private closed = false;

  private constructor(options: DurableShardOptions, state: IndexedStore, log: WriteAheadLog, appliedSeq: number, snapshotSeq: number, snapshotAtMs: number) {
    this.options = options;
    this.current = state;
    this.log = log;
    this.appliedSeq = appliedSeq;
    this.snapshotSeq = snapshotSeq;
    this.snapshotAtMs = snapshotAtMs;
  }

  /**
   * Recovers the shard from `dataDir`: newest snapshot (or the initial catalog)
   * plus the log tail. Data embedded by another model version is re-embedded.
   * A snapshot is written at once when none matched the served version.
   */
  static async open(options: DurableShardOptions, model: RecoveryModel): Promise<DurableShard> {
    await mkdir(options.dataDir, { recursive: true });
    const snapshot = await readLatestSnapshot(options.dataDir, options.indexOptions, options.tuning);
    let state: IndexedStore;
    if (snapshot !== undefined && snapshot.meta.modelVersion === model.modelVersion) {
      state = snapshot.state;
    } else {
      const items = snapshot === undefined ? await model.initialItems() : [...snapshot.state.store.liveSlots()].map((slot) => snapshot.state.store.itemAt(slot) as Item);
      state = IndexedStore.create(options.fields, options.indexOptions, model.modelVersion, options.tuning);
      const embedded = await model.embed(items);
      await state.upsertChunked(items, embedded.embeddings, embedded.biases);
    }
    const snapshotSeq = snapshot?.meta.seq ?? 0;
    const tail = await readLog(options.dataDir, snapshotSeq);
    for (const entry of tail) await replay(state, entry, model);
    const lastSeq = tail.at(-1)?.seq ?? snapshotSeq;
    const log = await WriteAheadLog.open(options.dataDir, lastSeq + 1);
    const shard = new DurableShard(options, state, log, lastSeq, snapshotSeq, snapshot?.meta.createdAtMs ?? 0);
    if (snapshot === undefined || snapshot.meta.modelVersion !== model.modelVersion) await shard.snapshot();
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
   * Adds or replaces items embedded by `modelVersion`, which must be the
   * served version (check it in the same turn as the call). Resolves once
   * durable and applied.
   */
  async upsert(items: readonly Item[], embedded: EmbeddedItems, modelVersion: string): Promise<void> {
    if (modelVersion !== this.current.modelVersion) {
      throw new RangeError(`upsert embedded by model ${modelVersion}, the shard serves ${this.current.modelVersion}`);
    }
    const { seq, durable } = this.log.append({ kind: 'upsert', modelVersion, dim: this.current.store.dim, items: [...items], ...embedded });
    const state = this.current;
    await Promise.all([durable, this.apply(seq, () => state.upsertChunked(items, embedded.embeddings, embedded.biases))]);
    this.snapshotWhenDue();
  }

  /** Removes items; resolves once durable and applied. */
  async delete(ids: readonly string[]): Promise<DeleteResult> {
    const { seq, durable } = this.log.append({ kind: 'delete', ids: [...ids] });
    const state = this.current;
    const [, result] = await Promise.all([durable, this.apply(seq, () => state.delete(ids))]);
    this.snapshotWhenDue();
    return result;
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
  }

  private apply<T>(seq: number, mutate: () => T | Promise<T>): Promise<T> {
    const run = this.applying.then(mutate).then((result) => {
      this.appliedSeq = seq;
      return result;
    });
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async writeSnapshot(): Promise<WrittenSnapshot> {
    // Records after this seq may already show in the captured state; replaying them is harmless, as every record is a blind write.
    const seq = this.appliedSeq;
    const written = await writeSnapshot(this.options.dataDir, this.current, seq);
    await this.log.rotate(seq);
    await pruneSnapshots(this.options.dataDir, this.options.snapshotsKept);
    this.snapshotSeq = seq;
    this.snapshotAtMs = written.meta.createdAtMs;
    return written;
  }

  private snapshotWhenDue(): void {
    if (this.closed || this.snapshotting !== undefined || this.recordsSinceSnapshot < this.options.snapshotAfterRecords) return;
    // A failed background snapshot leaves the log intact; the next trigger retries.
    this.snapshot().catch(() => undefined);
  }
}

async function replay(state: IndexedStore, entry: LogEntry, model: RecoveryModel): Promise<void> {
  if (entry.kind === 'delete') {
    state.delete(entry.ids);
    return;
  }
  const embedded = entry.modelVersion === state.modelVersion ? entry : await model.embed(entry.items);
  await state.upsertChunked(entry.items, embedded.embeddings, embedded.biases);
}
