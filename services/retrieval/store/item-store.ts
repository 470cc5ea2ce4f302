import { AttributeIndex } from './attribute-index.js';
import type { AttributeField } from './attribute-index.js';
import type { Item } from '../../../shared/features/index.js';
import { NO_BUNDLE_ROW } from '../../../shared/proto/index.js';

/** Why 1024: small shards start cheap; capacity doubles, so growth costs O(1) amortised per item. */
export const DEFAULT_INITIAL_CAPACITY = 1024;

/** Where a put landed: the item's slot, and whether it replaced an item with the same id. */
export interface PutResult {
  slot: number;
  replaced: boolean;
}

/**
 * The items of one shard by slot: ids, raw features, ItemNet embeddings
 * (row-major float32, n × d) and biases in typed arrays, and the attribute
 * columns used for filtering. A slot is the item's key in the vector index; a
 * replaced item keeps its slot and a deleted item's slot is reused.
 */
export class ItemStore {
  readonly dim: number;
  readonly attributes: AttributeIndex;
  private ids: (string | undefined)[];
  private items: (Item | undefined)[];
  private embeddingRows: Float32Array;
  private biasValues: Float32Array;
  /** Per slot, the item's row in the served bundle's item list when the embedding is the one the bundle gives it, else NO_BUNDLE_ROW (see markBundleRows). */
  private bundleRows: Uint32Array;
  private readonly slotById = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private slotsInUse = 0;

  constructor(dim: number, fields: readonly AttributeField[], initialCapacity = DEFAULT_INITIAL_CAPACITY) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    const capacity = Math.max(1, initialCapacity);
    this.dim = dim;
    this.attributes = new AttributeIndex(fields, capacity);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.items = new Array<Item | undefined>(capacity).fill(undefined);
    this.embeddingRows = new Float32Array(capacity * dim);
    this.biasValues = new Float32Array(capacity);
    this.bundleRows = new Uint32Array(capacity).fill(NO_BUNDLE_ROW);
  }

  /** Items held. */
  get size(): number {
    return this.slotById.size;
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.biasValues.length;
  }

  /** Every live slot is below this bound. */
  get slotLimit(): number {
    return this.slotsInUse;
  }

  /** All embeddings, row `slot` at offset slot × dim; the array is replaced when the store grows. */
  get embeddings(): Float32Array {
    return this.embeddingRows;
  }

  /** All biases by slot; the array is replaced when the store grows. */
  get biases(): Float32Array {
    return this.biasValues;
  }

  /** The slot of an id, or undefined. */
  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  /** Whether a slot holds an item. */
  isLive(slot: number): boolean {
    return this.ids[slot] !== undefined;
  }

  /** The id in a slot, or undefined for a free slot. */
  idAt(slot: number): string | undefined {
    return this.ids[slot];
  }

  /** The raw item in a slot, or undefined for a free slot. */
  itemAt(slot: number): Item | undefined {
    return this.items[slot];
  }

  /** A view of the embedding in a slot (valid until the store grows). */
  embeddingAt(slot: number): Float32Array {
    return this.embeddingRows.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  /** The bias of the item in a slot. */
  biasAt(slot: number): number {
    return this.biasValues[slot];
  }

  /** The slot's row in the served bundle's item list when its embedding is the bundle's own (ranking holds the same values at that row), else NO_BUNDLE_ROW. */
  bundleRowAt(slot: number): number {
    return this.bundleRows[slot];
  }

  /**
   * Marks the slots whose raw item equals the bundle's item of that id with that item's index
   * in `bundleItems` (the served bundle's whole item list, in its order: a ranking replica's
   * table row; the store's embeddings must be that bundle's ItemNet output). Items of other
   * shards are skipped. Any later put of the slot clears its row, even with equal features (it
   * is then shipped, never wrongly omitted). Returns how many slots are marked.
   */
  markBundleRows(bundleItems: readonly Item[]): number {
    let marked = 0;
    for (const [row, item] of bundleItems.entries()) {
      const slot = this.slotById.get(item.id);
      if (slot === undefined) continue;
      const same = this.items[slot] === item || JSON.stringify(this.items[slot]) === JSON.stringify(item);
      this.bundleRows[slot] = same ? row : NO_BUNDLE_ROW;
      marked += same ? 1 : 0;
    }
    return marked;
  }

  /**
   * Makes room for `slots` slots at once, so that a large batch does not
   * copy the arrays at every doubling (one copy of 512k rows blocks for
   * hundreds of milliseconds).
   */
  reserve(slots: number): void {
    if (slots > this.capacity) this.grow(slots);
  }

  /**
   * Stores an item with its embedding (`dim` floats of `embeddings` from
   * `offset`) and bias. An existing id keeps its slot; a new one takes a
   * free slot or a fresh one.
   */
  put(item: Item, embeddings: Float32Array, offset: number, bias: number): PutResult {
    const existing = this.slotById.get(item.id);
    const slot = existing ?? this.freeSlots.pop() ?? this.slotsInUse;
    this.place(slot, item, embeddings, offset, bias);
    return { slot, replaced: existing !== undefined };
  }

  /**
   * Stores an item in a given slot, as a snapshot recorded it; call
   * {@link ItemStore.finishRestore} once every item is placed.
   */
  restore(slot: number, item: Item, embeddings: Float32Array, offset: number, bias: number): void {
    if (this.ids[slot] !== undefined || this.slotById.has(item.id)) {
      throw new Error(`restore: slot ${slot} or id '${item.id}' is already taken`);
    }
    this.place(slot, item, embeddings, offset, bias);
  }

  /** Rebuilds the free-slot list after {@link ItemStore.restore}. */
  finishRestore(): void {
    this.freeSlots.length = 0;
    for (let slot = this.slotsInUse - 1; slot >= 0; slot--) {
      if (this.ids[slot] === undefined) this.freeSlots.push(slot);
    }
  }

  /** Removes an item; returns its freed slot, or undefined when the id is absent. */
  remove(id: string): number | undefined {
    const slot = this.slotById.get(id);
    if (slot === undefined) return undefined;
    this.slotById.delete(id);
    this.attributes.clear(slot);
    this.ids[slot] = undefined;
    this.items[slot] = undefined;
    this.embeddingRows.fill(0, slot * this.dim, (slot + 1) * this.dim);
    this.biasValues[slot] = 0;
    this.bundleRows[slot] = NO_BUNDLE_ROW;
    this.freeSlots.push(slot);
    return slot;
  }

  /** The live slots, ascending. */
  *liveSlots(): IterableIterator<number> {
    for (let slot = 0; slot < this.slotsInUse; slot++) {
      if (this.ids[slot] !== undefined) yield slot;
    }
  }

  /** Approximate heap bytes held by the store, raw features included. */
  memoryBytes(): number {
    // About 64 bytes per id and map entry, and 200 per raw item object (a handful of short features).
    return this.embeddingRows.byteLength + this.biasValues.byteLength + this.bundleRows.byteLength + this.attributes.memoryBytes() + this.size * (64 + 200);
  }

  private place(slot: number, item: Item, embeddings: Float32Array, offset: number, bias: number): void {
    if (offset < 0 || offset + this.dim > embeddings.length) {
      throw new RangeError(`embedding of '${item.id}' needs ${this.dim} floats from offset ${offset}, the array holds ${embeddings.length}`);
    }
    if (slot >= this.capacity) this.grow(Math.max(slot + 1, 2 * this.capacity));
    if (this.ids[slot] !== undefined) this.attributes.clear(slot);
    this.ids[slot] = item.id;
    this.items[slot] = item;
    this.slotById.set(item.id, slot);
    this.embeddingRows.set(embeddings.subarray(offset, offset + this.dim), slot * this.dim);
    this.biasValues[slot] = bias;
    this.bundleRows[slot] = NO_BUNDLE_ROW;
    this.attributes.set(slot, item.features);
    if (slot >= this.slotsInUse) this.slotsInUse = slot + 1;
  }

  private grow(capacity: number): void {
    const embeddings = new Float32Array(capacity * this.dim);
    embeddings.set(this.embeddingRows);
    this.embeddingRows = embeddings;
    const biases = new Float32Array(capacity);
    biases.set(this.biasValues);
    this.biasValues = biases;
    const bundleRows = new Uint32Array(capacity).fill(NO_BUNDLE_ROW);
    bundleRows.set(this.bundleRows);
    this.bundleRows = bundleRows;
    const old = this.ids.length;
    this.ids.length = capacity;
    this.ids.fill(undefined, old);
    this.items.length = capacity;
    this.items.fill(undefined, old);
    this.attributes.grow(capacity);
  }
}
