import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AttributeCondition, AttributeField } from './attribute-index.js';
import type { Item } from '../../../shared/features/index.js';
import { DEFAULT_SEARCH_TUNING, filteredSearch } from '../search/filtered-search.js';
import type { SearchTuning } from '../search/filtered-search.js';
import { ItemStore } from './item-store.js';
import { IndexThread } from '../hnsw/index-thread.js';
import type { ShardIndexOptions } from '../hnsw/index-thread.js';

/**
 * Why 5 ms: a large upsert or a start-up build files its items into the store
 * in turns of 5 ms, so calls waiting behind it see a delay of that order
 * rather than of the whole batch (bench/retrieval measures the delay); the
 * index itself is built in its worker thread.
 */
export const DEFAULT_TURN_BUDGET_MS = 5;
/** Why 256 rows: one message to the index worker per 256 rows keeps the messages few and each store step well under a millisecond. */
const ROWS_PER_STEP = 256;

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
 * the HNSW index (in its worker thread) over the same slots, kept in step:
 * the store changes at once, the index in call order. A mutation resolves once
 * the index holds it; a large batch is filed into the store in turns of the
 * event loop. Searches check every candidate against the store, so an item
 * deleted or replaced but not yet out of the index is never returned, and
 * re-score a slot whose indexed row may be older than the store's.
 */
export class IndexedStore {
  readonly store: ItemStore;
  readonly index: IndexThread;
  readonly modelVersion: string;
  readonly tuning: Readonly<SearchTuning>;
  /**
   * Slots put into a slot that was used before (a replaced item, or a freed
   * slot reused) whose index mutations are still in flight, with how many:
   * until they settle, the index may hold the slot's old vector.
   */
  private readonly unsettled = new Map<number, number>();

  constructor(store: ItemStore, index: IndexThread, modelVersion: string, tuning: Readonly<SearchTuning> = DEFAULT_SEARCH_TUNING) {
    if (store.dim !== index.options.dim) throw new RangeError(`store dim ${store.dim} differs from index dim ${index.options.dim}`);
    this.store = store;
    this.index = index;
    this.modelVersion = modelVersion;
    this.tuning = tuning;
  }

  /** An empty shard state. */
  static async create(fields: readonly AttributeField[], indexOptions: ShardIndexOptions, modelVersion: string, tuning?: Readonly<SearchTuning>): Promise<IndexedStore> {
    return new IndexedStore(new ItemStore(indexOptions.dim, fields), await IndexThread.open(indexOptions), modelVersion, tuning);
  }

  /**
   * Adds or replaces items, row i of `embeddings` (n × dim) and `biases`
   * belonging to items[i]; a repeated id keeps its last row. The store is
   * filled in steps of a few hundred rows, yielding to the event loop
   * whenever a turn has used `turnBudgetMs`; resolves once the index holds
   * every row.
   */
  async upsert(items: readonly Item[], embeddings: Float32Array, biases: Float32Array, turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<void> {
    const dim = this.store.dim;
    if (embeddings.length !== items.length * dim || biases.length !== items.length) {
      throw new RangeError(`upsert: ${items.length} items need ${items.length * dim} embedding floats and ${items.length} biases`);
    }
    this.store.reserve(this.store.slotLimit + items.length);
    const steps: Promise<void>[] = [];
    await inTimedTurns(items.length, turnBudgetMs, (start, end) => {
      const rowBySlot = new Map<number, number>();
      const replaced: number[] = [];
      const reused: number[] = [];
      for (let row = start; row < end; row++) {
        const usedBefore = this.store.slotLimit;
        const put = this.store.put(items[row], embeddings, row * dim, biases[row]);
        if (put.replaced || rowBySlot.has(put.slot)) replaced.push(put.slot);
        if (put.slot < usedBefore && !rowBySlot.has(put.slot)) reused.push(put.slot);
        rowBySlot.set(put.slot, row);
      }
      for (const slot of reused) this.unsettled.set(slot, (this.unsettled.get(slot) ?? 0) + 1);
      // Both requests are queued at once, in order: the removal of replaced vectors before the new ones.
      steps.push(awaitedLater(this.index.remove(Int32Array.from(new Set(replaced)))));
      const added = this.index.add(...this.rowsOf(rowBySlot.keys()));
      steps.push(awaitedLater(added.finally(() => this.settle(reused))));
    });
    await Promise.all(steps);
  }

  /** Indexes every item of the store (after a restore into an empty index), filing the rows like {@link IndexedStore.upsert}. */
  async indexAll(turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<void> {
    const slots = Int32Array.from(this.store.liveSlots());
    const steps: Promise<void>[] = [];
    await inTimedTurns(slots.length, turnBudgetMs, (start, end) => steps.push(awaitedLater(this.index.add(...this.rowsOf(slots.subarray(start, end))))));
    await Promise.all(steps);
  }

  /** Removes items by id; resolves once they are out of the index too. */
  async delete(ids: readonly string[]): Promise<DeleteResult> {
    const notFound: string[] = [];
    const slots: number[] = [];
    for (const id of ids) {
      const slot = this.store.remove(id);
      if (slot === undefined) notFound.push(id);
      else slots.push(slot);
    }
    await this.index.remove(Int32Array.from(slots));
    return { deleted: slots.length, notFound };
  }

  /** The best items for each query under the query's exclusions and conditions (exact, see filteredSearch). */
  search(query: ShardQuery): Promise<ShardHits[]> {
    const excluded = new Set<number>();
    for (const id of query.excludeIds) {
      const slot = this.store.slotOf(id);
      if (slot !== undefined) excluded.add(slot);
    }
    return filteredSearch(this.store, this.index, this.unsettled, query.queries, query.queryCount, { k: query.k, excluded, conditions: query.conditions }, this.tuning);
  }

  /** Stops the index worker once the requests made so far are answered. */
  close(): Promise<void> {
    return this.index.close();
  }

  private settle(slots: readonly number[]): void {
    for (const slot of slots) {
      const count = this.unsettled.get(slot) ?? 0;
      if (count > 1) this.unsettled.set(slot, count - 1);
      else this.unsettled.delete(slot);
    }
  }

  /** The slots with their store embeddings, row-major: what the index is given for them. */
  private rowsOf(slotList: Iterable<number>): [Int32Array, Float32Array] {
    const slots = Int32Array.from(slotList);
    const dim = this.store.dim;
    const vectors = new Float32Array(slots.length * dim);
    slots.forEach((slot, i) => vectors.set(this.store.embeddingAt(slot), i * dim));
    return [slots, vectors];
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

/** The promise, marked as handled: it is awaited once the whole batch is queued, and may fail before that. */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
