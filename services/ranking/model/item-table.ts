import type { Item } from '../../../shared/features/index.js';
import type { ItemEmbedder } from '../../../shared/item-net/index.js';

/**
 * The e_i and b_i that one model version's ItemNet gives the bundle's own items, row r for
 * item r of the bundle's item list: the values a retrieval shard of the same version holds for
 * an item whose features are unchanged since the bundle, so that a Rank request may name those
 * candidates by row number instead of shipping their embeddings (RankRequest.bundle_rows).
 * Read-only once built; one table per loaded model, so rows of two versions never meet.
 */
export class ItemTable {
  /** Rows as built by {@link ItemTable.build} (or given directly by a test). */
  constructor(
    readonly dim: number,
    /** Row-major, size × dim. */
    readonly embeddings: Float32Array,
    readonly biases: Float32Array,
  ) {}

  /** Embeds the bundle's items with its ItemNet (in the embedder's batches, the event loop turning between them). */
  static async build(items: readonly Item[], embedder: ItemEmbedder): Promise<ItemTable> {
    const { embeddings, biases } = await embedder.embed(items);
    return new ItemTable(embedder.dim, embeddings, biases);
  }

  /** Items held: row numbers run from 0 to size - 1. */
  get size(): number {
    return this.biases.length;
  }

  /** Approximate bytes: the float rows (no ids are held). */
  memoryBytes(): number {
    return this.embeddings.byteLength + this.biases.byteLength;
  }
}
