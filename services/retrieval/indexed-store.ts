import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AttributeCondition, AttributeField } from './attribute-index.js';
import type { Item } from '../../shared/features/index.js';
import { DEFAULT_SEARCH_TUNING, filteredSearch } from './filtered-search.js';
import type { SearchTuning } from './filtered-search.js';
import { ItemStore } from './item-store.js';
import { VectorIndex } from '../../shared/vector-index/index.js';
import type { VectorIndexOptions } from '../../shared/vector-index/index.js';

/**
 * Why 5 ms: a large upsert or a start-up build yields to other calls at least
 * every 5 ms plus one step, so searches waiting behind it see a delay of that
 * order rather than of the whole batch (bench/retrieval measures the delay).
 */
export const DEFAULT_TURN_BUDGET_MS = 5;
/** Why 16 rows: one step adds 16 vectors, well under a millisecond even in a graph of a million. */
const ROWS_PER_STEP = 16;

/** A search over the shard: queries plus exclusions (by id) and resolved attribute conditions. */
export interface ShardQuery {
  /** queryCount × dim float32, row-major. */
  queries: Float32Array;
  queryCount: number;
  k: number;
  excludeIds: readonly string[];
  conditions: readonly AttributeCondition[];
}

/** The candidates of one query, best first. */
export interface ShardHits {
  slots: Int32Array;
  similarities: Float32Array;
}

/** The result of a delete. */
export interface DeleteResult {
  deleted: number;
  notFound: string[];
}

/**
 * The in-memory state of a shard under one model version: the item store and
 * the HNSW index over the same slots, kept in step. Mutations are
 * synchronous per call; {@link IndexedStore.upsertChunked} spreads a large
 * batch over turns of the event loop.
 */
export class IndexedStore {
  readonly store: ItemStore;
  readonly index: VectorIndex;
  readonly modelVersion: string;
  readonly tuning: Readonly<SearchTuning>;

  constructor(store: ItemStore, index: VectorIndex, modelVersion: string, tuning: Readonly<SearchTuning> = DEFAULT_SEARCH_TUNING) {
    if (store.dim !== index.options.dim) throw new RangeError(`store dim ${store.dim} differs from index dim ${index.options.dim}`);
    this.store = store;
    this.index = index;
    this.modelVersion = modelVersion;
    this.tuning = tuning;
  }

  /** An empty shard state. */
  static create(fields: readonly AttributeField[], indexOptions: VectorIndexOptions, modelVersion: string, tuning?: Readonly<SearchTuning>): IndexedStore {
    return new IndexedStore(new ItemStore(indexOptions.dim, fields), new VectorIndex(indexOptions), modelVersion, tuning);
  }

  /**
   * Adds or replaces items, row i of `embeddings` (n × dim) and `biases`
   * belonging to items[i]; a repeated id keeps its last row.
   */
  upsert(items: readonly Item[], embeddings: Float32Array, biases: Float32Array): void {
    const dim = this.store.dim;
    if (embeddings.length !== items.length * dim || biases.length !== items.length) {
      throw new RangeError(`upsert: ${items.length} items need ${items.length * dim} embedding floats and ${items.length} biases`);
    }
    const rowBySlot = new Map<number, number>();
    items.forEach((item, row) => {
      const { slot, replaced } = this.store.put(item, embeddings, row * dim, biases[row]);
      if (replaced || rowBySlot.has(slot)) this.index.remove(slot);
      rowBySlot.set(slot, row);
    });
    const slots = Int32Array.from(rowBySlot.keys());
    const vectors = new Float32Array(slots.length * dim);
    slots.forEach((slot, i) => vectors.set(this.store.embeddingAt(slot), i * dim));
    this.index.add(slots, vectors);
  }

  /**
   * {@link IndexedStore.upsert} in steps of a few rows, yielding to the event
   * loop whenever a turn has used `turnBudgetMs`.
   */
  async upsertChunked(items: readonly Item[], embeddings: Float32Array, biases: Float32Array, turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<void> {
    const dim = this.store.dim;
    await inTimedTurns(items.length, turnBudgetMs, (start, end) => {
      this.upsert(items.slice(start, end), embeddings.subarray(start * dim, end * dim), biases.subarray(start, end));
    });
  }

  /** Indexes every item of the store (after a restore into an empty index), yielding like {@link IndexedStore.upsertChunked}. */
  async indexAll(turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<void> {
    const slots = Int32Array.from(this.store.liveSlots());
    const dim = this.store.dim;
    await inTimedTurns(slots.length, turnBudgetMs, (start, end) => {
      const chunk = slots.subarray(start, end);
      const vectors = new Float32Array(chunk.length * dim);
      chunk.forEach((slot, i) => vectors.set(this.store.embeddingAt(slot), i * dim));
      this.index.add(chunk, vectors);
    });
  }

  /** Removes items by id. */
  delete(ids: readonly string[]): DeleteResult {
    const notFound: string[] = [];
    let deleted = 0;
    for (const id of ids) {
      const slot = this.store.remove(id);
      if (slot === undefined) {
        notFound.push(id);
      } else {
        this.index.remove(slot);
        deleted++;
      }
    }
    return { deleted, notFound };
  }

  /** The best items for each query under the query's exclusions and conditions (exact, see filteredSearch). */
  search(query: ShardQuery): ShardHits[] {
    const excluded = new Set<number>();
    for (const id of query.excludeIds) {
      const slot = this.store.slotOf(id);
      if (slot !== undefined) excluded.add(slot);
    }
    return filteredSearch(this.store, this.index, query.queries, query.queryCount, { k: query.k, excluded, conditions: query.conditions }, this.tuning);
  }

  /** Approximate bytes held by store and index. */
  memoryBytes(): number {
    return this.store.memoryBytes() + this.index.memoryBytes();
  }
}

/** Runs `step` over [0, count) in ranges of ROWS_PER_STEP, yielding to the event loop once a turn used `budgetMs`. */
async function inTimedTurns(count: number, budgetMs: number, step: (start: number, end: number) => void): Promise<void> {
  let turnStarted = performance.now();
  for (let start = 0; start < count; start += ROWS_PER_STEP) {
    if (performance.now() - turnStarted >= budgetMs) {
      await nextTurn();
      turnStarted = performance.now();
    }
    step(start, Math.min(count, start + ROWS_PER_STEP));
  }
}
